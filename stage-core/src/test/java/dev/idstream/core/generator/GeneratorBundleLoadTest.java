package dev.idstream.core.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.config.GeneratorSettings;
import dev.idstream.core.onnx.BundleException;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.testing.CommittedBundles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorBundleLoadTest {

    @TempDir
    Path dir;

    @Test
    void shouldLoadTheConfiguredBundleWhenOneIsNamed() {
        Path fp16 = CommittedBundles.folder("generator-tiny-fp16");
        try (GeneratorBundle bundle = GeneratorBundle.load(new GeneratorSettings(fp16), OrtSettings.cpu(1))) {
            assertThat(bundle.bundle().location()).isEqualTo(fp16.toString());
        }
    }

    @Test
    void shouldNameTheConfiguredFolderWhenItHoldsNoBundle() {
        Path missing = dir.resolve("generator-full");
        assertThatThrownBy(() -> GeneratorBundle.load(new GeneratorSettings(missing), OrtSettings.cpu(1)))
                .isInstanceOf(BundleException.class).hasMessageContaining(missing.toString());
    }
}
