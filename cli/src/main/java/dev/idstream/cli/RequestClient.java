package dev.idstream.cli;

import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.artifacts.ArtifactStore;
import dev.idstream.core.serde.EventSerde;
import dev.idstream.core.serde.UnreadableEventException;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.RequestState;
import dev.idstream.events.RequestStatus;
import dev.idstream.events.StageFailed;
import dev.idstream.events.StageProgress;
import dev.idstream.events.VideoMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What an upstream app does: upload a reference image, publish {@code GenerationRequested}, and follow the
 * request through progress, status, failure and metrics events until it ends.
 */
public final class RequestClient implements AutoCloseable {

    /** How a followed request ended; exactly one of {@code metrics} and {@code failure} is set unless it timed out. */
    public record Outcome(String requestId, VideoMetrics metrics, StageFailed failure, RequestStatus lastStatus) {
        public boolean succeeded() {
            return metrics != null;
        }
    }

    /** How long to wait, after the metrics or the failure, for the request's final status. */
    private static final Duration STATUS_GRACE = Duration.ofSeconds(5);

    private final Map<String, Object> kafka;
    private final EventSerde serde;
    private final ArtifactStore artifacts;
    private final KafkaProducer<String, byte[]> producer;

    public RequestClient(Map<String, Object> kafkaClientProps, EventSerde serde, ArtifactStore artifacts) {
        this.kafka = Map.copyOf(kafkaClientProps);
        this.serde = serde;
        this.artifacts = artifacts;
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Uploads the image under {@code requests/<id>/upload/} and returns the reference to put in the request. */
    public ArtifactRef upload(String requestId, Path image) throws Exception {
        String ext = extension(image);
        return artifacts.putFile(new ArtifactKey(requestId, "upload", "reference" + ext), image, contentType(ext));
    }

    /** A video of the person, for the detect stage's multi-view face collection. */
    public ArtifactRef uploadReferenceVideo(String requestId, Path video) throws Exception {
        String ext = extension(video);
        return artifacts.putFile(new ArtifactKey(requestId, "upload", "reference-video" + ext), video, contentType(ext));
    }

    public GenerationRequested request(String requestId, ArtifactRef reference, GenerationParams params) {
        return GenerationRequested.newBuilder()
                .setRequestId(requestId)
                .setTraceparent(Traceparent.newRoot())
                .setCreatedAt(Instant.now())
                .setReference(reference)
                .setParams(params)
                .build();
    }

    public void publish(GenerationRequested request) throws Exception {
        producer.send(new ProducerRecord<>(Topics.REQUESTS, request.getRequestId(), serde.serialize(Topics.REQUESTS, request))).get();
    }

    /**
     * Publishes without waiting for the broker, for many requests at once (a benchmark's burst). The future completes
     * when the broker has stored the request; its timestamp is the request's publish time.
     */
    public Future<RecordMetadata> publishAsync(GenerationRequested request) {
        return producer.send(new ProducerRecord<>(Topics.REQUESTS, request.getRequestId(), serde.serialize(Topics.REQUESTS, request)));
    }

    public static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    /** Opens a follower positioned at the end of the event topics: open it before publishing, so nothing is missed. */
    public Follower follower() {
        return new Follower();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    private static String extension(Path image) {
        String name = image.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot);
        return ext.matches("\\.[a-z0-9]{1,5}") ? ext : ".bin";
    }

    private static String contentType(String ext) {
        return switch (ext) {
            case ".jpg", ".jpeg" -> "image/jpeg";
            case ".png" -> "image/png";
            case ".webp" -> "image/webp";
            case ".mp4", ".m4v" -> "video/mp4";
            case ".mov" -> "video/quicktime";
            case ".webm" -> "video/webm";
            case ".mkv" -> "video/x-matroska";
            default -> "application/octet-stream";
        };
    }

    /** Reads progress, status, failure and metrics events (read_committed) for followed requests. */
    public final class Follower implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;

        private Follower() {
            Map<String, Object> c = new HashMap<>(kafka);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.PROGRESS, Topics.STATUS, Topics.FAILURES, Topics.METRICS)) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end offsets now, before anything is published
        }

        public Outcome await(String requestId, Duration timeout, ProgressPrinter printer) {
            long deadline = System.nanoTime() + timeout.toNanos();
            RequestStatus last = null;
            Outcome outcome = null;
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (!requestId.equals(r.key())) {
                        continue;
                    }
                    try {
                        switch (r.topic()) {
                            case Topics.PROGRESS -> printer.progress(serde.deserialize(r.topic(), r.value(), StageProgress.class));
                            case Topics.STATUS -> {
                                last = serde.deserialize(r.topic(), r.value(), RequestStatus.class);
                                printer.status(last);
                            }
                            case Topics.FAILURES -> {
                                StageFailed failed = serde.deserialize(r.topic(), r.value(), StageFailed.class);
                                printer.failure(failed);
                                outcome = new Outcome(requestId, null, failed, last);
                            }
                            case Topics.METRICS -> outcome = new Outcome(requestId, serde.deserialize(r.topic(), r.value(), VideoMetrics.class), null, last);
                            default -> { }
                        }
                    } catch (UnreadableEventException e) {
                        System.err.println("skipping an unreadable event on " + r.topic() + ": " + e.getMessage());
                    }
                }
                if (outcome != null) {
                    // The status table is derived from the events by the aggregates application, a moment later:
                    // wait briefly for the final state so that it is printed too.
                    if (isFinal(last)) {
                        return new Outcome(requestId, outcome.metrics(), outcome.failure(), last);
                    }
                    deadline = Math.min(deadline, System.nanoTime() + STATUS_GRACE.toNanos());
                }
            }
            return outcome != null ? new Outcome(requestId, outcome.metrics(), outcome.failure(), last) : new Outcome(requestId, null, null, last);
        }

        private static boolean isFinal(RequestStatus status) {
            return status != null && (status.getState() == RequestState.SCORED || status.getState() == RequestState.FAILED);
        }

        /**
         * Waits until each of {@code requestIds} has ended (metrics or failure), calling {@code onOutcome} as each one
         * ends. Requests without an outcome by the deadline are missing from the result.
         */
        public Map<String, Outcome> awaitAll(Collection<String> requestIds, Duration timeout, Consumer<Outcome> onOutcome) {
            Set<String> waiting = new HashSet<>(requestIds);
            Map<String, Outcome> ended = new LinkedHashMap<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (!waiting.contains(r.key()) || !(Topics.METRICS.equals(r.topic()) || Topics.FAILURES.equals(r.topic()))) {
                        continue;
                    }
                    try {
                        Outcome outcome = Topics.METRICS.equals(r.topic())
                                ? new Outcome(r.key(), serde.deserialize(r.topic(), r.value(), VideoMetrics.class), null, null)
                                : new Outcome(r.key(), null, serde.deserialize(r.topic(), r.value(), StageFailed.class), null);
                        waiting.remove(r.key());
                        ended.put(r.key(), outcome);
                        onOutcome.accept(outcome);
                    } catch (UnreadableEventException e) {
                        System.err.println("skipping an unreadable event on " + r.topic() + ": " + e.getMessage());
                    }
                }
            }
            return ended;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Downloads an artifact to a local file (the demo saves the video where a person can open it). */
    public Path download(ArtifactRef ref, Path target) throws StageException, java.io.IOException {
        Files.createDirectories(target.getParent());
        return artifacts.getToFile(ref, target);
    }
}
