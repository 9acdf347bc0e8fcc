package dev.idstream.core.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.config.GeneratorSettings;
import dev.idstream.core.onnx.BundleException;
import dev.idstream.core.onnx.OrtSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LazyGeneratorBundleTest {

    @TempDir
    Path dir;

    @Test
    void shouldLoadTheConfiguredBundleOnFirstUse() {
        Path tiny = GeneratorBundle.defaultLocation();
        try (LazyGeneratorBundle lazy = new LazyGeneratorBundle(new GeneratorSettings(tiny), OrtSettings.cpu(1))) {
            assertThat(lazy.get().bundle().location()).isEqualTo(tiny.toString());
            assertThat(lazy.get()).isSameAs(lazy.get());
        }
    }

    @Test
    void shouldNameTheConfiguredFolderWhenItHoldsNoBundle() {
        Path missing = dir.resolve("generator-full");
        try (LazyGeneratorBundle lazy = new LazyGeneratorBundle(new GeneratorSettings(missing), OrtSettings.cpu(1))) {
            assertThatThrownBy(lazy::get).isInstanceOf(BundleException.class).hasMessageContaining(missing.toString());
        }
    }
}
