package dev.idstream.core.generator;

import dev.idstream.core.config.GeneratorSettings;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import java.nio.file.Path;

/**
 * The generator bundle a stage serves, loaded on first use (so a stage starts fast and a misconfigured bundle fails
 * the first request with its reason), or given already loaded.
 */
public final class LazyGeneratorBundle implements AutoCloseable {

    private final GeneratorSettings settings;
    private final OrtSettings onnx;
    private GeneratorBundle bundle;

    /** A bundle already loaded (tests, benchmarks); closed with this. */
    public LazyGeneratorBundle(GeneratorBundle loaded) {
        this(GeneratorSettings.defaults(), OrtSettings.defaults());
        this.bundle = loaded;
    }

    /** The configured bundle ({@link GeneratorBundle#defaultLocation()} when none is named), run with {@code onnx}. */
    public LazyGeneratorBundle(GeneratorSettings settings, OrtSettings onnx) {
        this.settings = settings;
        this.onnx = onnx;
    }

    public synchronized GeneratorBundle get() {
        if (bundle == null) {
            Path location = settings.bundle() != null ? settings.bundle() : GeneratorBundle.defaultLocation();
            bundle = new GeneratorBundle(ModelBundle.load(location), OrtRuntime.create(onnx));
        }
        return bundle;
    }

    @Override
    public synchronized void close() {
        if (bundle != null) {
            bundle.close();
        }
    }
}
