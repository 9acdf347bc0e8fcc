package dev.idstream.cli;

import dev.idstream.core.Stage;
import dev.idstream.core.config.StageConfig;
import dev.idstream.decode.DecodeStage;
import dev.idstream.denoise.DenoiseStage;
import dev.idstream.detect.DetectStage;
import dev.idstream.features.FeaturesStage;
import dev.idstream.metrics.MetricsStage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The five pipeline stages by name, in pipeline order. With {@code metrics.evaluator=E} set, "metrics" is a re-scoring
 * deployment named {@code metrics-E} (see {@code MetricsStageSettings}).
 */
final class StageCatalog {

    static final Map<String, Function<StageConfig, Stage<?, ?>>> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("detect", config -> DetectStage.create(config.face(), config.onnx()));
        STAGES.put("features", config -> FeaturesStage.create(config.face(), config.generator(), config.onnx()));
        STAGES.put("denoise", config -> DenoiseStage.create(config.generator(), config.onnx()));
        STAGES.put("decode", config -> DecodeStage.create(config.generator(), config.onnx()));
        STAGES.put("metrics", config -> MetricsStage.create(config.face(), config.metrics(), config.onnx()));
    }

    private StageCatalog() {}

    /** The stage, with its models loaded (once per stage instance) as {@code config} says. */
    static Stage<?, ?> create(String name, StageConfig config) {
        Function<StageConfig, Stage<?, ?>> factory = STAGES.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown stage '" + name + "'; the stages are " + String.join(", ", STAGES.keySet()));
        }
        return factory.apply(config);
    }
}
