package dev.idstream.denoise;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxException;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.testing.BundleCopies;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generator bundle the stage cannot serve stops it when it is made, not at each request. */
class DenoiseStageStartupTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseToStartWhenTheDenoiserIsBfloat16OnCpu() throws Exception {
        Path copy = BundleCopies.withPrecision(GeneratorBundle.defaultLocation(), dir.resolve("bf16"), "denoiser", "bfloat16");
        GeneratorBundle bundle = new GeneratorBundle(ModelBundle.load(copy), OrtRuntime.create(OrtSettings.cpu(1)));

        assertThatThrownBy(() -> new DenoiseStage(bundle))
                .isInstanceOf(OnnxException.class)
                .hasMessageContaining("role denoiser is bfloat16; ONNX Runtime's CPU provider has no bfloat16 kernels");
    }
}
