package dev.idstream.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One denoiser step of a bundle in PyTorch (Debian's torch, models/fantasyid/bench_denoiser.py): the same seeded
 * weights, rebuilt from the bundle's config, on the bundle's golden inputs. Run with the settings that make the
 * comparison fair on a shared machine (models/README.md, "Speed"): OpenBLAS when installed, OpenMP and OpenBLAS
 * each at the same thread count as ONNX Runtime, no spin-waiting in OpenMP or OpenBLAS (ONNX Runtime's threads do not
 * spin either unless asked to).
 */
final class TorchDenoiserStep {

    private static final Path OPENBLAS = Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread");

    /** The script's JSON report and the model output of its last run. */
    record Result(JsonNode report, Tensor output) {
    }

    private final Path script;

    TorchDenoiserStep(Path modelsFolder) {
        this.script = modelsFolder.resolve("fantasyid").resolve("bench_denoiser.py");
    }

    /** Why it cannot run here, or null when it can. */
    String unavailableReason() {
        if (!Files.isExecutable(BenchSupport.PYTHON) || !Files.isRegularFile(script)) {
            return "needs " + BenchSupport.PYTHON + " (Debian python3-torch) and " + script;
        }
        return null;
    }

    Result run(Path bundle, int threads, int runs, int warmup) throws IOException, InterruptedException {
        Path output = Files.createTempFile("idstream-torch-denoiser", ".safetensors");
        try {
            List<String> command = new ArrayList<>(List.of(BenchSupport.PYTHON.toString(), script.toString(), "--bundle", bundle.toString(),
                    "--threads", Integer.toString(threads), "--runs", Integer.toString(runs),
                    "--warmup", Integer.toString(warmup), "--save-output", output.toString()));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
            pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
            // OpenBLAS workers busy-wait 2^28 cycles for work by default; 2^4 lets them sleep, as ONNX Runtime's threads
            // do without spinning (on the shared 2 cores this halves the medium step: 11.3 s -> 5.8 s)
            pb.environment().put("OPENBLAS_THREAD_TIMEOUT", "4");
            if (Files.isDirectory(OPENBLAS)) {
                pb.environment().merge("LD_LIBRARY_PATH", OPENBLAS.toString(), (old, add) -> add + ":" + old);
            }
            String log = BenchSupport.run(pb, Duration.ofMinutes(10));
            String[] lines = log.strip().split("\n");
            JsonNode report = new ObjectMapper().readTree(lines[lines.length - 1]);
            Tensor out = Safetensors.read(Files.readAllBytes(output)).tensors().get("output.model_output");
            return new Result(report, out);
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
