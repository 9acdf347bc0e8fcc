package dev.idstream.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.generator.ImageTensors;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.decode.LatentVideoDecoder;
import dev.idstream.decode.Mp4Writer;
import dev.idstream.denoise.VideoDenoiser;
import dev.idstream.features.IdDescriptorEncoder;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * The tiny generator on CPU, in one run: (1) one denoiser step (the CFG batch of 2) in ONNX Runtime from Java and
 * the same graph in PyTorch (Debian's torch, models/fantasyid/bench_denoiser.py: same seeded weights, the golden
 * inputs), both on the same number of threads; (2) requests through the model path in process — V_F (image +
 * id encoder), the DiT loop, chunked VAE decode, MP4 — with the time per denoising step and the share spent
 * outside ONNX Runtime sessions.
 */
public final class GeneratorBenchmark {

    private GeneratorBenchmark() {
    }

    public static void run(int threads, int runs, int requests, Path portrait, PrintStream out) throws Exception {
        try (GeneratorBundle bundle = new GeneratorBundle(dev.idstream.core.onnx.ModelBundle.load(GeneratorBundle.defaultLocation()),
                OrtRuntime.create(OrtSettings.cpu(threads)))) {
            out.printf("bundle %s at %s, ONNX Runtime CPU, %d intra-op threads%n", bundle.id(), bundle.bundle().folder(), threads);
            double ortMs = denoiserStepOrt(bundle, runs);
            out.printf("denoiser step (golden inputs, batch 2), ONNX Runtime from Java: median %.2f ms over %d runs%n", ortMs, runs);
            JsonNode torch = denoiserStepTorch(bundle.bundle().folder(), threads, runs);
            if (torch != null) {
                double torchMs = torch.path("median_ms").asDouble();
                out.printf("denoiser step, PyTorch %s: median %.2f ms (BLAS %s, OMP_WAIT_POLICY %s)%n",
                        torch.path("torch").asText("(Debian torch)"), torchMs, torch.path("blas"), torch.path("omp_wait_policy").asText());
                out.printf("ratio PyTorch / ONNX Runtime: %.2f%n", torchMs / ortMs);
            }
            requests(bundle, requests, portrait, out);
        }
    }

    private static double denoiserStepOrt(GeneratorBundle bundle, int runs) throws Exception {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        Safetensors.read(Files.readAllBytes(bundle.bundle().folder().resolve("golden/denoiser.safetensors"))).tensors()
                .forEach((k, v) -> {
                    if (k.startsWith("input.")) {
                        feeds.put(k.substring(6), v);
                    }
                });
        OnnxSession session = bundle.session(Role.DENOISER);
        for (int i = 0; i < 3; i++) {
            session.run(feeds);
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            session.run(feeds);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return median(ms);
    }

    /** Runs the PyTorch side; null (with the reason printed) when Debian's python3 or torch is missing. */
    private static JsonNode denoiserStepTorch(Path bundleFolder, int threads, int runs) throws Exception {
        Path script = bundleFolder.resolveSibling("fantasyid").resolve("bench_denoiser.py");
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isRegularFile(script) || !Files.isExecutable(python)) {
            System.out.println("PyTorch comparison skipped: needs " + python + " and " + script);
            return null;
        }
        ProcessBuilder pb = new ProcessBuilder(python.toString(), script.toString(), "--config", "tiny",
                "--threads", Integer.toString(threads), "--runs", Integer.toString(runs));
        // a fair comparison (models/README.md, "Speed"): no OpenMP spin-waiting, OpenBLAS when installed
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Path openblas = Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread");
        if (Files.isDirectory(openblas)) {
            pb.environment().merge("LD_LIBRARY_PATH", openblas.toString(), (old, add) -> add + ":" + old);
        }
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            System.out.println("PyTorch comparison failed:\n" + output);
            return null;
        }
        String[] lines = output.strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static void requests(GeneratorBundle bundle, int requests, Path portrait, PrintStream out) throws Exception {
        BufferedImage reference = ImageIO.read(portrait.toFile());
        if (reference == null) {
            throw new IllegalArgumentException("not a readable image: " + portrait);
        }
        Map<String, Tensor> idGolden = Safetensors.read(Files.readAllBytes(
                bundle.bundle().folder().resolve("golden/id_encoder.safetensors"))).tensors();
        float[] vertices = idGolden.get("input.vertices").toFloatArray();
        BufferedImage crop = ImageTensors.coverResize(reference, 512, 512);
        VideoDenoiser.Request request = new VideoDenoiser.Request("a person smiling and turning their head", "", 42,
                9, 96, 64, 8, 6.0f);
        out.printf("requests in process: %d frames %dx%d, %d steps, CFG %.1f (features → denoise → decode → MP4), first one is warm-up%n",
                request.frames(), request.width(), request.height(), request.steps(), request.guidanceScale());
        double[] total = new double[requests];
        double[] step = new double[requests];
        double[] outside = new double[requests];
        double[] denoiseOutside = new double[requests];
        for (int i = -1; i < requests; i++) {
            long t0 = System.nanoTime();
            long f0 = System.nanoTime();
            Tensor vf = new IdDescriptorEncoder(bundle).encode(crop, vertices);
            long featuresOnnx = System.nanoTime() - f0;
            VideoDenoiser.Result r = new VideoDenoiser(bundle).generate(request, vf, reference, (s, n) -> { });
            long d0 = System.nanoTime();
            List<BufferedImage> frames = new LatentVideoDecoder(bundle, 16, 4).decode(r.latents());
            long decodeOnnx = System.nanoTime() - d0;
            Path mp4 = Files.createTempFile("idstream-bench", ".mp4");
            try {
                Mp4Writer.write(frames, 8, mp4);
            } finally {
                Files.deleteIfExists(mp4);
            }
            long elapsed = System.nanoTime() - t0;
            if (i >= 0) {
                total[i] = elapsed / 1e6;
                step[i] = r.denoiserNanos() / 1e6 / r.steps();
                // features and decode time is nearly all session time; counted as inside ONNX Runtime (upper bound on its share)
                outside[i] = 1.0 - (double) (r.onnxNanos() + featuresOnnx + decodeOnnx) / elapsed;
                denoiseOutside[i] = r.outsideOnnxShare();
            }
        }
        out.printf("per request: median %.1f ms; per denoising step (CFG batch of 2, incl. scheduler): median %.1f ms; "
                + "outside ONNX Runtime: median %.1f%% of the request, %.1f%% of the denoise loop (%d requests)%n",
                median(total), median(step), 100 * median(outside), 100 * median(denoiseOutside), requests);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
