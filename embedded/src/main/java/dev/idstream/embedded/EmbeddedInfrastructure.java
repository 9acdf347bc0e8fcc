package dev.idstream.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three servers IDStream needs, real and on loopback: a Kafka KRaft broker, a Confluent-API Schema Registry
 * (Apicurio) and an S3 server (S3Proxy). Started in parallel, because the registry's JVM takes the longest.
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

    private final EmbeddedKafka kafka;
    private final EmbeddedRegistry registry;
    private final EmbeddedS3 s3;

    private EmbeddedInfrastructure(EmbeddedKafka kafka, EmbeddedRegistry registry, EmbeddedS3 s3) {
        this.kafka = kafka;
        this.registry = registry;
        this.s3 = s3;
    }

    /**
     * Starts everything under {@code dataDir} and creates the topics.
     *
     * @param topics all topic names; {@code compacted} those that keep the latest value per key
     */
    public static EmbeddedInfrastructure start(Path dataDir, Collection<String> topics, Collection<String> compacted, int partitions)
            throws IOException {
        long started = System.nanoTime();
        var registryStart = new java.util.concurrent.CompletableFuture<EmbeddedRegistry>();
        Thread registryThread = new Thread(() -> {
            try {
                registryStart.complete(EmbeddedRegistry.start(dataDir.resolve("registry")));
            } catch (Throwable e) {
                registryStart.completeExceptionally(e);
            }
        }, "embedded-registry-start");
        registryThread.start();
        EmbeddedKafka kafka = null;
        EmbeddedS3 s3 = null;
        try {
            kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
            kafka.createTopics(topics, partitions, compacted);
            s3 = EmbeddedS3.start(dataDir.resolve("s3"));
            EmbeddedRegistry registry = registryStart.join();
            log.info("Embedded infrastructure ready in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
            return new EmbeddedInfrastructure(kafka, registry, s3);
        } catch (RuntimeException e) {
            registryStart.thenAccept(EmbeddedRegistry::close);
            if (s3 != null) {
                s3.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedRegistry registry() {
        return registry;
    }

    public EmbeddedS3 s3() {
        return s3;
    }

    /**
     * Connection settings in the environment-variable form every IDStream process reads
     * (so {@code ./idstream submit} and {@code ./idstream stage} can join this cluster).
     */
    public Map<String, String> connectionEnv(String bucket) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("IDSTREAM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("IDSTREAM_REGISTRY_URL", registry.ccompatUrl());
        env.put("IDSTREAM_S3_ENDPOINT", s3.endpoint().toString());
        env.put("IDSTREAM_S3_REGION", s3.region());
        env.put("IDSTREAM_S3_BUCKET", bucket);
        env.put("IDSTREAM_S3_ACCESS_KEY", s3.accessKey());
        env.put("IDSTREAM_S3_SECRET_KEY", s3.secretKey());
        return env;
    }

    /** Stops in reverse order of need: S3, then the registry, then Kafka. */
    @Override
    public void close() {
        s3.close();
        registry.close();
        kafka.close();
    }
}
