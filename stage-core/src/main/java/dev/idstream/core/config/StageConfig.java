package dev.idstream.core.config;

import dev.idstream.core.InputLimits;
import dev.idstream.core.onnx.OrtSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/** Everything a stage process needs to run, validated when it is built. See {@link StageConfigLoader} for the keys. */
public record StageConfig(
        KafkaSettings kafka,
        RegistrySettings registry,
        S3Settings s3,
        RuntimeSettings runtime,
        InputLimits limits,
        FaceSettings face,
        MetricsStageSettings metrics,
        GeneratorSettings generator,
        OrtSettings onnx) {

    public StageConfig {
        Objects.requireNonNull(kafka, "kafka settings");
        Objects.requireNonNull(registry, "registry settings");
        Objects.requireNonNull(s3, "s3 settings");
        Objects.requireNonNull(runtime, "runtime settings");
        Objects.requireNonNull(limits, "input limits");
        Objects.requireNonNull(face, "face settings");
        Objects.requireNonNull(metrics, "metrics stage settings");
        Objects.requireNonNull(generator, "generator settings");
        Objects.requireNonNull(onnx, "onnx settings");
    }

    /** With the default generator bundle and ONNX Runtime settings ({@link OrtSettings#defaults()}). */
    public StageConfig(KafkaSettings kafka, RegistrySettings registry, S3Settings s3, RuntimeSettings runtime, InputLimits limits,
            FaceSettings face, MetricsStageSettings metrics) {
        this(kafka, registry, s3, runtime, limits, face, metrics, GeneratorSettings.defaults(), OrtSettings.defaults());
    }

    /** Without metrics-stage settings: the pipeline's own metrics stage ({@link MetricsStageSettings#defaults()}). */
    public StageConfig(KafkaSettings kafka, RegistrySettings registry, S3Settings s3, RuntimeSettings runtime, InputLimits limits,
            FaceSettings face) {
        this(kafka, registry, s3, runtime, limits, face, MetricsStageSettings.defaults());
    }

    /** Without face settings: the defaults ({@link FaceSettings#defaults()}). */
    public StageConfig(KafkaSettings kafka, RegistrySettings registry, S3Settings s3, RuntimeSettings runtime, InputLimits limits) {
        this(kafka, registry, s3, runtime, limits, FaceSettings.defaults());
    }

    /** Loads from an optional properties file, overridden by {@code IDSTREAM_*} environment variables. */
    public static StageConfig load(Path propertiesFile, Map<String, String> environment) {
        return StageConfigLoader.load(propertiesFile, environment);
    }

    public StageConfig withKafka(KafkaSettings newKafka) {
        return new StageConfig(newKafka, registry, s3, runtime, limits, face, metrics, generator, onnx);
    }

    public StageConfig withRuntime(RuntimeSettings newRuntime) {
        return new StageConfig(kafka, registry, s3, newRuntime, limits, face, metrics, generator, onnx);
    }
}
