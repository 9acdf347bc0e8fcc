package dev.idstream.core.testing;

import dev.idstream.core.InputLimits;
import dev.idstream.core.StageException;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.KafkaSettings;
import dev.idstream.core.config.RegistrySettings;
import dev.idstream.core.config.RuntimeSettings;
import dev.idstream.core.config.S3Settings;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.runtime.PipelineTopics;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.embedded.EmbeddedKafka;
import dev.idstream.embedded.EmbeddedRegistry;
import dev.idstream.embedded.EmbeddedS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real infrastructure of a pipeline in this JVM (plus the registry's child JVM): a Kafka KRaft node with all
 * pipeline topics, an Apicurio Schema Registry, an S3 server with bucket {@link #BUCKET}; and a serde and an artifact
 * store connected to them. Tests get it through {@link EmbeddedPipelineExtension}, which starts it once per test JVM.
 */
public final class EmbeddedPipeline implements AutoCloseable {

    public static final String BUCKET = "idstream-test";
    public static final int PARTITIONS = 3;

    private final EmbeddedKafka kafka;
    private final EmbeddedRegistry registry;
    private final EmbeddedS3 s3;
    private final ConfluentEventSerde serde;
    private final S3ArtifactStore artifacts;

    private EmbeddedPipeline(EmbeddedKafka kafka, EmbeddedRegistry registry, EmbeddedS3 s3) throws StageException {
        this.kafka = kafka;
        this.registry = registry;
        this.s3 = s3;
        this.serde = new ConfluentEventSerde(registrySettings());
        this.artifacts = S3ArtifactStore.open(s3Settings());
    }

    public static EmbeddedPipeline start(Path dir) {
        EmbeddedKafka kafka = null;
        EmbeddedRegistry registry = null;
        EmbeddedS3 s3 = null;
        try {
            kafka = EmbeddedKafka.start(dir.resolve("kafka"));
            PipelineTopics.ensure(KafkaSettings.of(kafka.bootstrapServers()), PARTITIONS, (short) 1);
            registry = EmbeddedRegistry.start(dir.resolve("registry"));
            s3 = EmbeddedS3.start(dir.resolve("s3"));
            return new EmbeddedPipeline(kafka, registry, s3);
        } catch (IOException | StageException | RuntimeException e) {
            closeAll(s3, registry, kafka);
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public KafkaSettings kafkaSettings() {
        return KafkaSettings.of(kafka.bootstrapServers());
    }

    public RegistrySettings registrySettings() {
        return new RegistrySettings(registry.ccompatUrl(), true);
    }

    public S3Settings s3Settings() {
        return new S3Settings(s3.endpoint().toString(), s3.region(), BUCKET, s3.accessKey(), s3.secretKey());
    }

    /** Settings of a fast test stage: 3 attempts with 50-200 ms backoff, 100 ms polls, 10 s shutdown grace, any free port. */
    public StageConfig stageConfig(String instanceId) {
        RuntimeSettings runtime = new RuntimeSettings(instanceId, 3, Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofMillis(100), Duration.ofSeconds(10), 0);
        return new StageConfig(kafkaSettings(), registrySettings(), s3Settings(), runtime, InputLimits.defaults());
    }

    /** The {@code IDSTREAM_*} environment that configures a stage process for this pipeline (see StageConfigLoader). */
    public Map<String, String> stageEnvironment(String instanceId) {
        return Map.ofEntries(
                Map.entry("IDSTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
                Map.entry("IDSTREAM_REGISTRY_URL", registry.ccompatUrl()),
                Map.entry("IDSTREAM_REGISTRY_AUTO_REGISTER", "true"),
                Map.entry("IDSTREAM_S3_ENDPOINT", s3.endpoint().toString()),
                Map.entry("IDSTREAM_S3_REGION", s3.region()),
                Map.entry("IDSTREAM_S3_BUCKET", BUCKET),
                Map.entry("IDSTREAM_S3_ACCESS_KEY", s3.accessKey()),
                Map.entry("IDSTREAM_S3_SECRET_KEY", s3.secretKey()),
                Map.entry("IDSTREAM_RUNTIME_INSTANCE_ID", instanceId),
                Map.entry("IDSTREAM_RUNTIME_RETRY_MAX_ATTEMPTS", "3"),
                Map.entry("IDSTREAM_RUNTIME_RETRY_INITIAL_BACKOFF_MS", "50"),
                Map.entry("IDSTREAM_RUNTIME_RETRY_MAX_BACKOFF_MS", "200"),
                Map.entry("IDSTREAM_RUNTIME_POLL_TIMEOUT_MS", "100"));
    }

    /** Shared, thread-safe; auto-registers schemas. */
    public ConfluentEventSerde serde() {
        return serde;
    }

    /** Shared store on bucket {@link #BUCKET}. */
    public S3ArtifactStore artifacts() {
        return artifacts;
    }

    /** Creates topics (with {@link #PARTITIONS} partitions) that do not exist yet. */
    public void createTopics(String... names) {
        kafka.createTopics(List.of(names), PARTITIONS, List.of());
    }

    public void createTopics(int partitions, String... names) {
        kafka.createTopics(List.of(names), partitions, List.of());
    }

    @Override
    public void close() {
        artifacts.close();
        closeAll(s3, registry, kafka);
    }

    private static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable r : resources) {
            if (r != null) {
                try {
                    r.close();
                } catch (Exception e) {
                    System.err.println("closing " + r + " failed: " + e);
                }
            }
        }
    }
}
