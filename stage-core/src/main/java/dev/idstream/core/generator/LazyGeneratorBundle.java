package dev.idstream.core.generator;

import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;

/**
 * The generator bundle a stage serves, loaded on first use from {@link GeneratorBundle#defaultLocation()} (so a
 * stage starts fast and a misconfigured bundle fails the first request with its reason), or given already loaded.
 */
public final class LazyGeneratorBundle implements AutoCloseable {

    private GeneratorBundle bundle;

    /** @param loaded a loaded bundle, or null to load the default one on first use */
    public LazyGeneratorBundle(GeneratorBundle loaded) {
        this.bundle = loaded;
    }

    public synchronized GeneratorBundle get() {
        if (bundle == null) {
            bundle = GeneratorBundle.loadDefault(OrtRuntime.create(OrtSettings.defaults()));
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
