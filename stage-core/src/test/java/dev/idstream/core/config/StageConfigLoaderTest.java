package dev.idstream.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.InputLimits;
import dev.idstream.core.onnx.OrtSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageConfigLoaderTest {

    private static final Map<String, String> REQUIRED = Map.of(
            "kafka.bootstrap.servers", "broker-1:9093,broker-2:9093",
            "registry.url", "http://registry:8081",
            "s3.endpoint", "https://minio:9000",
            "s3.bucket", "idstream",
            "s3.access.key", "AKIAEXAMPLE",
            "s3.secret.key", "s3cr3t-value");

    @TempDir
    Path dir;

    @Test
    void shouldUseDefaultsWhenOnlyRequiredKeysAreGiven() {
        StageConfig config = StageConfigLoader.fromMap(REQUIRED);

        assertThat(config.kafka().bootstrapServers()).isEqualTo("broker-1:9093,broker-2:9093");
        assertThat(config.kafka().clientOverrides()).isEmpty();
        assertThat(config.registry()).isEqualTo(new RegistrySettings("http://registry:8081", false));
        assertThat(config.s3()).isEqualTo(new S3Settings("https://minio:9000", "us-east-1", "idstream", "AKIAEXAMPLE", "s3cr3t-value"));
        assertThat(config.runtime().retryMaxAttempts()).isEqualTo(5);
        assertThat(config.runtime().shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.runtime().batchMaxSize()).isEqualTo(4);
        assertThat(config.runtime().instanceId()).isEqualTo(RuntimeSettings.defaultInstanceId());
        assertThat(config.limits()).isEqualTo(InputLimits.defaults());
        assertThat(config.face()).isEqualTo(FaceSettings.defaults());
        assertThat(config.metrics()).isEqualTo(MetricsStageSettings.defaults());
        assertThat(config.metrics().inputTopic()).isEqualTo("idstream.videos.v1");
        assertThat(config.generator()).isEqualTo(GeneratorSettings.defaults());
        assertThat(config.onnx()).isEqualTo(OrtSettings.defaults());
    }

    @Test
    void shouldReadTheGeneratorBundleAndOnnxRuntimeSettingsWhenGiven() {
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.put("models.generator.bundle", "/opt/idstream/generator-full");
        values.put("onnx.device", "cuda");
        values.put("onnx.threads.intra.op", "6");
        values.put("onnx.threads.spinning", "true");
        values.put("onnx.cuda.option.gpu_mem_limit", "40000000000");

        StageConfig config = StageConfigLoader.fromMap(values);

        assertThat(config.generator().bundle()).isEqualTo(Path.of("/opt/idstream/generator-full"));
        assertThat(config.onnx().device()).isEqualTo(OrtSettings.Device.CUDA);
        assertThat(config.onnx().intraOpThreads()).isEqualTo(6);
        assertThat(config.onnx().spinning()).isTrue();
        assertThat(config.onnx().cudaOptions()).containsEntry("gpu_mem_limit", "40000000000");

        Map<String, String> environment = new HashMap<>();
        REQUIRED.forEach((k, v) -> environment.put("IDSTREAM_" + k.toUpperCase().replace('.', '_'), v));
        environment.put("IDSTREAM_ONNX_THREADS_INTRA_OP", "3");
        environment.put("IDSTREAM_MODELS_GENERATOR_BUNDLE", "/models/g");
        environment.put("IDSTREAM_ONNX_CUDA_OPTION_GPU_MEM_LIMIT", "20000000000");
        environment.put("IDSTREAM_ONNX_DEVICE", ""); // compose's ${VAR:-}: blank keeps the default, like every other key
        StageConfig fromEnvironment = StageConfig.load(null, environment);
        assertThat(fromEnvironment.onnx().intraOpThreads()).isEqualTo(3);
        assertThat(fromEnvironment.onnx().device()).isEqualTo(OrtSettings.Device.AUTO);
        assertThat(fromEnvironment.onnx().cudaOptions()).containsExactly(java.util.Map.entry("gpu_mem_limit", "20000000000"));
        assertThat(fromEnvironment.generator().bundle()).isEqualTo(Path.of("/models/g"));
    }

    @Test
    void shouldListEveryBadOnnxSettingWithTheOtherProblemsWhenOnnxKeysAreWrong() {
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.put("onnx.device", "tpu");
        values.put("onnx.threads.intra.op", "many");
        values.put("models.generator.bundel", "/opt/x");

        assertThatThrownBy(() -> StageConfigLoader.fromMap(values))
                .hasMessageContaining("onnx.device must be one of [AUTO, CPU, CUDA], got 'tpu'")
                .hasMessageContaining("onnx.threads.intra.op must be an integer, got 'many'")
                .hasMessageContaining("unknown key models.generator.bundel");

        values.remove("onnx.device");
        values.remove("models.generator.bundel");
        values.put("onnx.threads", "2");
        assertThatThrownBy(() -> StageConfigLoader.fromMap(values)).hasMessageContaining("unknown setting onnx.threads");
    }

    @Test
    void shouldNameTheTopicAndStageOfAReScoringMetricsDeploymentAndRejectABadName() {
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.put("metrics.evaluator", "face-s8");
        values.put("metrics.sampled.frames", "8");
        MetricsStageSettings metrics = StageConfigLoader.fromMap(values).metrics();
        assertThat(metrics.inputTopic()).isEqualTo("idstream.videos.face-s8.v1");
        assertThat(metrics.stageName()).isEqualTo("metrics-face-s8");
        assertThat(metrics.sampledFrames()).isEqualTo(8);

        values.put("metrics.evaluator", "Face S8");
        values.put("metrics.sampled.frames", "1");
        values.put("metrics.sample.frames", "8");
        assertThatThrownBy(() -> StageConfigLoader.fromMap(values))
                .hasMessageContaining("metrics.evaluator must be 1-48 of a-z, 0-9 and '-'")
                .hasMessageContaining("unknown key metrics.sample.frames");
    }

    @Test
    void shouldReadFaceSettingsAndRejectABadPolicyOrSize() {
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.put("models.face.bundle", "/opt/idstream/face-bundle");
        values.put("detect.multiple.faces", "fail");
        values.put("detect.min.face.size", "64");
        assertThat(StageConfigLoader.fromMap(values).face())
                .isEqualTo(new FaceSettings(Path.of("/opt/idstream/face-bundle"), FaceSettings.MultipleFaces.FAIL, 64));

        values.put("detect.multiple.faces", "all");
        values.put("detect.min.face.size", "0");
        values.put("detect.min.face", "64");
        assertThatThrownBy(() -> StageConfigLoader.fromMap(values))
                .hasMessageContaining("detect.multiple.faces has an invalid value 'all'")
                .hasMessageContaining("detect.min.face.size must be at least 1 pixel")
                .hasMessageContaining("unknown key detect.min.face");
    }

    @Test
    void shouldReadMultiViewSettingsAndRejectOutOfBoundsValues() {
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.put("detect.multiview.faces", "4");
        values.put("detect.multiview.frames", "12");
        assertThat(StageConfigLoader.fromMap(values).face().multiView()).isEqualTo(new FaceSettings.MultiView(4, 12));

        values.put("detect.multiview.faces", "33");
        values.put("detect.min.face.size", "0");
        assertThatThrownBy(() -> StageConfigLoader.fromMap(values))
                .hasMessageContaining("detect.multiview.faces must be between 1 and 32, was 33")
                .hasMessageContaining("detect.min.face.size must be at least 1 pixel");
    }

    @Test
    void shouldPassEveryKafkaKeyThroughAndLetTheEnvironmentWinOverTheFile() throws Exception {
        Path file = dir.resolve("stage.properties");
        Files.writeString(file, String.join("\n",
                "kafka.bootstrap.servers=file-broker:9092",
                "registry.url=http://registry:8081",
                "s3.endpoint=http://minio:9000",
                "s3.bucket=idstream",
                "s3.access.key=file-access",
                "s3.secret.key=file-secret",
                "kafka.security.protocol=SASL_SSL",
                "kafka.sasl.mechanism=SCRAM-SHA-512",
                "runtime.retry.max.attempts=7",
                "limits.max.prompt.chars=500"));
        Map<String, String> env = Map.of(
                "IDSTREAM_KAFKA_BOOTSTRAP_SERVERS", "env-broker:9093",
                "IDSTREAM_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                "IDSTREAM_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.jks",
                "IDSTREAM_RUNTIME_INSTANCE_ID", "detect-0",
                "IDSTREAM_RUNTIME_HTTP_PORT", "9464",
                "PATH", "/usr/bin");

        StageConfig config = StageConfig.load(file, env);

        assertThat(config.kafka().bootstrapServers()).isEqualTo("env-broker:9093");
        assertThat(config.kafka().clientOverrides()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", env.get("IDSTREAM_KAFKA_SASL_JAAS_CONFIG")),
                Map.entry("ssl.truststore.location", "/etc/kafka/truststore.jks"));
        assertThat(config.kafka().clientConfig()).containsEntry("bootstrap.servers", "env-broker:9093")
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(config.runtime().retryMaxAttempts()).isEqualTo(7);
        assertThat(config.runtime().instanceId()).isEqualTo("detect-0");
        assertThat(config.runtime().httpPort()).isEqualTo(9464);
        assertThat(config.limits().maxPromptChars()).isEqualTo(500);
    }

    @Test
    void shouldNeverShowSecretsWhenPrinted() {
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.put("kafka.sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"hunter2\";");
        values.put("kafka.ssl.keystore.password", "ks-pass-123");
        values.put("kafka.ssl.key.password", "key-pass-456");
        values.put("kafka.security.protocol", "SASL_SSL");

        String printed = StageConfigLoader.fromMap(values).toString();

        assertThat(printed).doesNotContain("hunter2", "ks-pass-123", "key-pass-456", "s3cr3t-value", "AKIAEXAMPLE")
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=***", "ssl.keystore.password=***");
    }

    @Test
    void shouldReportEveryProblemAtOnceWhenTheConfigurationIsWrong() {
        Map<String, String> values = new HashMap<>();
        values.put("registry.url", "registry:8081");
        values.put("s3.bucket", "Not_A_Bucket");
        values.put("s3.secret.key", "do-not-print-me");
        values.put("runtime.retry.max.atempts", "3");
        values.put("runtime.poll.timeout.ms", "soon");
        values.put("limits.max.frames", "-4");
        values.put("kafka.isolation.level", "read_uncommitted");

        assertThatThrownBy(() -> StageConfigLoader.fromMap(values))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactlyInAnyOrder(
                        "kafka.bootstrap.servers is required (or environment variable IDSTREAM_KAFKA_BOOTSTRAP_SERVERS)",
                        "registry.url must be an http(s) URL with a host, was 'registry:8081'",
                        "s3.endpoint is required (or environment variable IDSTREAM_S3_ENDPOINT)",
                        "s3.bucket must be a valid S3 bucket name (3-63 of a-z, 0-9, '.', '-'), was 'Not_A_Bucket'",
                        "s3.access.key is required (or environment variable IDSTREAM_S3_ACCESS_KEY)",
                        "runtime.poll.timeout.ms has an invalid value 'soon'",
                        "limits.max.frames must be a positive number, was '-4'",
                        "unknown key runtime.retry.max.atempts (known runtime.* keys: runtime.batch.max.size, runtime.http.port, runtime.instance.id, "
                                + "runtime.poll.timeout.ms, runtime.retry.initial.backoff.ms, runtime.retry.max.attempts, "
                                + "runtime.retry.max.backoff.ms, runtime.shutdown.grace.ms)"))
                .hasMessageNotContaining("do-not-print-me");
        values.put("kafka.bootstrap.servers", "b:9092");
        assertThatThrownBy(() -> StageConfigLoader.fromMap(values))
                .hasMessageContaining("kafka.isolation.level is set by the stage runtime and cannot be configured");
    }

    @Test
    void shouldRejectInconsistentRuntimeSettingsWithTheKeyName() {
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.put("runtime.retry.initial.backoff.ms", "5000");
        values.put("runtime.retry.max.backoff.ms", "1000");

        assertThatThrownBy(() -> StageConfigLoader.fromMap(values))
                .hasMessageContaining("runtime.retry.max.backoff.ms must be at least the initial backoff PT5S, was PT1S");
    }

    @Test
    void shouldReadTheBatchSizeAndRejectOneOutsideItsRange() {
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.put("runtime.batch.max.size", "1");
        assertThat(StageConfigLoader.fromMap(values).runtime().batchMaxSize()).isEqualTo(1);

        values.put("runtime.batch.max.size", "0");
        assertThatThrownBy(() -> StageConfigLoader.fromMap(values))
                .hasMessageContaining("runtime.batch.max.size must be 1 (no batching) to 64, was 0");
    }
}
