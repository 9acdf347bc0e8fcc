package dev.idstream.core.runtime;

import dev.idstream.core.Topics;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.testing.BatchingTransformStage;
import dev.idstream.core.testing.CommittedReader;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EventPublisher;
import dev.idstream.core.testing.TransformStage;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.RequestStatus;
import dev.idstream.events.StageFailed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;

/** A {@link TransformStage} on topics of its own, with runners, a publisher and committed-only readers. */
final class TransformHarness implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String PARENT_TRACE = "00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01";

    final EmbeddedPipeline pipeline;
    final String name;
    final String inputTopic;
    final String outputTopic;
    final TransformStage stage;
    final BatchingTransformStage batchingStage;
    final EventPublisher publisher;
    private final List<StageRunner<?, ?>> runners = new ArrayList<>();
    private final Random random = new Random(42);

    TransformHarness(EmbeddedPipeline pipeline, int partitions) {
        this.pipeline = pipeline;
        this.name = "t" + UUID.randomUUID().toString().substring(0, 8);
        this.inputTopic = "test." + name + ".in";
        this.outputTopic = "test." + name + ".out";
        pipeline.createTopics(partitions, inputTopic, outputTopic);
        this.stage = new TransformStage(name, inputTopic, outputTopic);
        this.batchingStage = new BatchingTransformStage(stage);
        this.publisher = new EventPublisher(pipeline);
    }

    StageConfig config(String instanceId) {
        return pipeline.stageConfig(instanceId);
    }

    StageRunner<GenerationRequested, FaceDetected> start(StageConfig config) {
        StageRunner<GenerationRequested, FaceDetected> runner = new StageRunner<>(stage, config, pipeline.serde(), pipeline.artifacts());
        runners.add(runner);
        return runner.start();
    }

    /** A runner of {@link #batchingStage} (the same stage, batching up to {@code runtime.batch.max.size} inputs). */
    StageRunner<GenerationRequested, FaceDetected> startBatching(StageConfig config) {
        StageRunner<GenerationRequested, FaceDetected> runner = new StageRunner<>(batchingStage, config, pipeline.serde(), pipeline.artifacts());
        runners.add(runner);
        return runner.start();
    }

    StageRunner<GenerationRequested, FaceDetected> start() {
        return start(config("i1"));
    }

    /** Publishes a request whose reference is 1 KiB of random bytes; returns its id. */
    String submit(String prompt) throws Exception {
        String requestId = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        submit(requestId, prompt, PARENT_TRACE);
        return requestId;
    }

    /** A new request id that the default partitioner puts on {@code partition} of a topic with {@code partitions}. */
    String idOnPartition(int partition, int partitions) {
        while (true) {
            String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
            if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions == partition) {
                return id;
            }
        }
    }

    GenerationRequested submit(String requestId, String prompt, String traceparent) throws Exception {
        byte[] reference = new byte[1024];
        random.nextBytes(reference);
        GenerationRequested request = TransformStage.request(pipeline.artifacts(), requestId, reference, prompt, traceparent);
        publisher.send(inputTopic, requestId, request);
        return request;
    }

    /** Waits until the step of {@code requestId} has published progress, i.e. is running. */
    void awaitProgress(String requestId) {
        try (CommittedReader reader = new CommittedReader(pipeline, Topics.PROGRESS)) {
            reader.await(r -> requestId.equals(r.key()), l -> !l.isEmpty(), TIMEOUT, Duration.ZERO);
        }
    }

    CommittedReader reader() {
        return new CommittedReader(pipeline, outputTopic, Topics.STATUS, Topics.FAILURES, Topics.PROGRESS);
    }

    /** Waits until each id has an output or a failure, then returns what the topics hold for them after settling. */
    Results awaitSettled(Collection<String> requestIds) {
        try (CommittedReader reader = reader()) {
            Set<String> ids = Set.copyOf(requestIds);
            Predicate<ConsumerRecord<String, byte[]>> ours = r -> ids.contains(r.key());
            List<ConsumerRecord<String, byte[]>> records = reader.await(ours, seen -> ids.stream().allMatch(id -> seen.stream()
                    .anyMatch(r -> r.key().equals(id) && (r.topic().equals(outputTopic) || r.topic().equals(Topics.FAILURES)))),
                    TIMEOUT, Duration.ofSeconds(1));
            Results results = new Results();
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.topic().equals(outputTopic)) {
                    results.outputs.add(r);
                    results.outputEvents.add(reader.value(r, FaceDetected.class));
                } else if (r.topic().equals(Topics.FAILURES)) {
                    results.failures.add(reader.value(r, StageFailed.class));
                } else if (r.topic().equals(Topics.STATUS)) {
                    results.statuses.add(reader.value(r, RequestStatus.class));
                } else if (r.topic().equals(Topics.PROGRESS)) {
                    results.progressCount++;
                }
            }
            return results;
        }
    }

    static final class Results {
        final List<ConsumerRecord<String, byte[]>> outputs = new ArrayList<>();
        final List<FaceDetected> outputEvents = new ArrayList<>();
        final List<StageFailed> failures = new ArrayList<>();
        final List<RequestStatus> statuses = new ArrayList<>();
        int progressCount;

        List<FaceDetected> outputsFor(String requestId) {
            return outputEvents.stream().filter(e -> e.getRequestId().equals(requestId)).toList();
        }

        List<StageFailed> failuresFor(String requestId) {
            return failures.stream().filter(e -> e.getRequestId().equals(requestId)).toList();
        }

        List<RequestStatus> statusesFor(String requestId) {
            return statuses.stream().filter(e -> e.getRequestId().equals(requestId)).toList();
        }
    }

    @Override
    public void close() {
        runners.forEach(StageRunner::close);
        publisher.close();
    }
}
