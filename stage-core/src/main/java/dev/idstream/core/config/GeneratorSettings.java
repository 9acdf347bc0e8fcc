package dev.idstream.core.config;

import java.nio.file.Path;

/**
 * What the generation stages (features, denoise, decode) need beyond the runtime: which generator bundle they serve.
 *
 * @param bundle the generator bundle folder ({@code models.generator.bundle}); null means
 *               {@link dev.idstream.core.generator.GeneratorBundle#defaultLocation()} (models/generator-tiny, found
 *               from the working directory upwards)
 */
public record GeneratorSettings(Path bundle) {

    public static GeneratorSettings defaults() {
        return new GeneratorSettings(null);
    }
}
