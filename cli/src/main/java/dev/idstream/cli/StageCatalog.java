package dev.idstream.cli;

import dev.idstream.core.Stage;
import dev.idstream.decode.DecodeStage;
import dev.idstream.denoise.DenoiseStage;
import dev.idstream.detect.DetectStage;
import dev.idstream.features.FeaturesStage;
import dev.idstream.metrics.MetricsStage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The five pipeline stages by name, in pipeline order. */
final class StageCatalog {

    static final Map<String, Supplier<Stage<?, ?>>> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("detect", DetectStage::new);
        STAGES.put("features", FeaturesStage::new);
        STAGES.put("denoise", DenoiseStage::new);
        STAGES.put("decode", DecodeStage::new);
        STAGES.put("metrics", MetricsStage::new);
    }

    private StageCatalog() {}

    static Stage<?, ?> create(String name) {
        Supplier<Stage<?, ?>> factory = STAGES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown stage '" + name + "'; the stages are " + String.join(", ", STAGES.keySet()));
        }
        return factory.get();
    }
}
