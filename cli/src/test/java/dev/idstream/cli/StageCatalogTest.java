package dev.idstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.idstream.core.Stage;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.config.StageConfigLoader;
import dev.idstream.core.onnx.BundleException;
import dev.idstream.core.onnx.GpuDevices;
import dev.idstream.core.onnx.OnnxException;
import dev.idstream.core.testing.BundleCopies;
import dev.idstream.core.testing.CommittedBundles;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configured generator bundle and ONNX Runtime settings reach every stage {@link StageCatalog} makes. */
class StageCatalogTest {

    private static final List<String> GENERATION_STAGES = List.of("features", "denoise", "decode");

    @TempDir
    Path dir;

    private static StageConfig config(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", "localhost:9092", "registry.url", "http://localhost:8081",
                "s3.endpoint", "http://localhost:9000", "s3.bucket", "idstream", "s3.access.key", "k", "s3.secret.key", "s"));
        values.putAll(extra);
        return StageConfigLoader.fromMap(values);
    }

    @Test
    void shouldServeTheConfiguredGeneratorBundleInEveryGenerationStage() throws Exception {
        Path missing = dir.resolve("no-bundle-here");
        for (String name : GENERATION_STAGES) {
            assertThatThrownBy(() -> StageCatalog.create(name, config(Map.of("models.generator.bundle", missing.toString()))))
                    .as(name).isInstanceOf(BundleException.class).hasMessageContaining(missing.toString());
        }
        Path fp16 = CommittedBundles.folder("generator-tiny-fp16");
        for (String name : GENERATION_STAGES) {
            try (Stage<?, ?> stage = StageCatalog.create(name, config(Map.of("models.generator.bundle", fp16.toString(),
                    "onnx.device", "cpu", "onnx.threads.intra.op", "1")))) {
                assertThat(stage.name()).isEqualTo(name);
            }
        }
    }

    @Test
    void shouldRunTheGenerationStagesOnTheConfiguredDevice() throws Exception {
        // a bfloat16 denoiser, decoder and id encoder are refused on CPU, and the refusal names why the runtime is on CPU
        Path bf16 = BundleCopies.withPrecisions(CommittedBundles.folder("generator-tiny"), dir.resolve("bf16"),
                Map.of("denoiser", "bfloat16", "vae_decoder", "bfloat16", "id_encoder", "bfloat16"));
        for (String name : GENERATION_STAGES) {
            assertThatThrownBy(() -> StageCatalog.create(name, config(Map.of("models.generator.bundle", bf16.toString(),
                    "onnx.device", "cpu"))))
                    .as(name).isInstanceOf(OnnxException.class).hasMessageContaining("is bfloat16")
                    .hasMessageContaining("this runtime is on CPU (configured onnx.device=cpu)");
        }
    }

    @Test
    void shouldRefuseAMissingGpuInEveryStageWhenCudaIsRequired() {
        assumeFalse(GpuDevices.system().nvidiaPresent(), "this machine has an NVIDIA device");
        for (String name : StageCatalog.STAGES.keySet()) {
            assertThatThrownBy(() -> StageCatalog.create(name, config(Map.of("onnx.device", "cuda"))))
                    .as(name).hasMessageContaining("onnx.device=cuda but no NVIDIA device was found");
        }
    }
}
