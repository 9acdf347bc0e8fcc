package dev.idstream.cli.bench;

import dev.idstream.cli.EmbeddedPipeline;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.runtime.StageRunner;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.GenerationRequested;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Pipeline overhead of one stage hop on loopback: publish an event, a stage runner consumes it (deserialise with the
 * registry's schema, S3 GET + sha256 of the input artifact, S3 PUT of the output, serialise, one Kafka transaction
 * with output + status + offsets), and a read_committed consumer sees the output. One request in flight at a time,
 * so the numbers are latency, not throughput.
 */
public final class HopBenchmark {

    public record Result(int requests, int artifactBytes, double p50Ms, double p90Ms, double p99Ms, double maxMs, double meanMs) {
        public String markdownRow() {
            return String.format("| %d | %,d B | %.1f | %.1f | %.1f | %.1f |", requests, artifactBytes, p50Ms, p90Ms, p99Ms, maxMs);
        }
    }

    private HopBenchmark() {}

    public static Result run(Path dataDir, int warmup, int requests, int artifactBytes, PrintStream out) throws Exception {
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(dataDir, List.of(), Map.of())) {
            pipeline.infrastructure().kafka().createTopics(List.of(RelayStage.IN, RelayStage.OUT), 1, List.of());
            StageConfig config = pipeline.config();
            ConfluentEventSerde serde = new ConfluentEventSerde(config.registry());
            try (S3ArtifactStore stageStore = S3ArtifactStore.open(config.s3());
                    S3ArtifactStore clientStore = S3ArtifactStore.open(config.s3());
                    StageRunner<GenerationRequested, GenerationRequested> runner =
                            new StageRunner<>(new RelayStage(), config, new ConfluentEventSerde(config.registry()), stageStore).start();
                    KafkaProducer<String, byte[]> producer = producer(config);
                    KafkaConsumer<String, byte[]> consumer = consumer(config)) {
                TopicPartition outPartition = new TopicPartition(RelayStage.OUT, 0);
                consumer.assign(List.of(outPartition));
                consumer.seekToEnd(List.of(outPartition));
                consumer.position(outPartition);
                byte[] payload = new byte[artifactBytes];
                new java.util.Random(7).nextBytes(payload);
                double[] latencies = new double[requests];
                for (int i = -warmup; i < requests; i++) {
                    String id = UUID.randomUUID().toString();
                    ArtifactRef ref = clientStore.put(new ArtifactKey(id, "upload", "input"), payload, "application/octet-stream");
                    GenerationRequested event = GenerationRequested.newBuilder()
                            .setRequestId(id).setTraceparent("00-" + "0".repeat(31) + "1-" + "0".repeat(15) + "1-01")
                            .setCreatedAt(Instant.now()).setReference(ref)
                            .setParams(GenerationParams.newBuilder().setPrompt("hop").build()).build();
                    long start = System.nanoTime();
                    producer.send(new ProducerRecord<>(RelayStage.IN, id, serde.serialize(RelayStage.IN, event))).get();
                    awaitKey(consumer, id);
                    if (i >= 0) {
                        latencies[i] = (System.nanoTime() - start) / 1e6;
                    }
                    if (out != null && (i + 1) % 50 == 0) {
                        out.println("  " + (i + 1) + "/" + requests + " hops measured");
                    }
                }
                Arrays.sort(latencies);
                return new Result(requests, artifactBytes, percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
                        latencies[latencies.length - 1], Arrays.stream(latencies).average().orElse(0));
            }
        }
    }

    private static void awaitKey(KafkaConsumer<String, byte[]> consumer, String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (id.equals(r.key())) {
                    return;
                }
            }
        }
        throw new IllegalStateException("hop for " + id + " did not complete within 60 s");
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static KafkaProducer<String, byte[]> producer(StageConfig config) {
        Map<String, Object> p = new HashMap<>(config.kafka().clientConfig());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(StageConfig config) {
        Map<String, Object> c = new HashMap<>(config.kafka().clientConfig());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
