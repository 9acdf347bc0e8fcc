package dev.idstream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.Topics;
import dev.idstream.core.testing.CommittedReader;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EmbeddedPipelineExtension;
import dev.idstream.core.testing.StageProcessMain;
import dev.idstream.embedded.ParentWatchingLauncher;
import dev.idstream.events.FailureReason;
import dev.idstream.events.StageFailed;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batching on a real Kafka broker, Schema Registry and S3 server: requests already queued run in batches of one shape,
 * each request still gets exactly one outcome, a batch's outputs become visible together (one transaction), and a bad
 * request fails alone.
 */
@ExtendWith(EmbeddedPipelineExtension.class)
class BatchingRuntimeTest {

    @TempDir
    Path logs;

    @Test
    void shouldRunQueuedRequestsOfOneShapeTogetherAndCommitEachBatchInOneTransaction(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            List<String> ids = new ArrayList<>();
            List<String> shapeB = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = h.submit(i % 4 == 3 ? "shape=b" : "shape=a");
                ids.add(id);
                if (i % 4 == 3) {
                    shapeB.add(id);
                }
            }
            h.startBatching(h.config("b1").withRuntime(h.config("b1").runtime().withBatchMaxSize(4)));

            TransformHarness.Results results = h.awaitSettled(ids);

            for (String id : ids) {
                assertThat(results.outputsFor(id)).as("outputs of %s", id).hasSize(1);
            }
            assertThat(results.failures).isEmpty();
            List<List<String>> batches = h.batchingStage.batches();
            assertThat(batches).as("queued requests of one shape ran together").isNotEmpty()
                    .allSatisfy(batch -> assertThat(batch).hasSizeBetween(2, 4))
                    .allSatisfy(batch -> assertThat(shapeB.containsAll(batch) || batch.stream().noneMatch(shapeB::contains))
                            .as("one shape per batch: %s", batch).isTrue());
            for (List<String> batch : batches) {
                List<Long> offsets = results.outputs.stream().filter(r -> batch.contains(r.key())).map(ConsumerRecord::offset).sorted().toList();
                assertThat(offsets.get(offsets.size() - 1) - offsets.get(0)).as("outputs of batch %s at %s: consecutive, so one transaction",
                        batch, offsets).isEqualTo(batch.size() - 1);
            }
        }
    }

    @Test
    void shouldBatchRecordsOfSeveralPartitionsAndCommitEveryOffsetOnce(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 2)) {
            List<String> ids = new ArrayList<>();
            for (int partition : new int[] {0, 1, 0, 1}) {
                String id = h.idOnPartition(partition, 2);
                h.submit(id, "shape=a", TransformHarness.PARENT_TRACE);
                ids.add(id);
            }
            h.startBatching(h.config("b2").withRuntime(h.config("b2").runtime().withBatchMaxSize(4)));

            TransformHarness.Results results = h.awaitSettled(ids);

            for (String id : ids) {
                assertThat(results.outputsFor(id)).as("outputs of %s", id).hasSize(1);
            }
            assertThat(h.batchingStage.batches()).as("one batch held both partitions' records")
                    .anySatisfy(batch -> assertThat(batch).containsExactlyInAnyOrderElementsOf(ids));
            assertThat(committedOffsets(pipeline, h)).isEqualTo(endOffsets(pipeline, h, 2));
        }
    }

    @Test
    void shouldFailABadRequestAloneAndCommitTheOthersWhenItArrivesInABatch(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            String ok1 = h.submit("shape=a");
            String tooLong = h.submit("shape=a " + "x".repeat(2001));
            String noFace = h.submit("shape=a noface");
            String ok2 = h.submit("shape=a");
            // polls of 4: [ok1, tooLong, noFace, ok2], [the whole-batch fault], [flaky, afterFlaky]
            List<String> wholeBatchFault = List.of(h.submit("shape=c batchboom"), h.submit("shape=c"), h.submit("shape=c"), h.submit("shape=c"));
            String flaky = h.submit("shape=d transient=1");
            String afterFlaky = h.submit("shape=d");
            h.startBatching(h.config("b3").withRuntime(h.config("b3").runtime().withBatchMaxSize(4)));
            List<String> all = new ArrayList<>(List.of(ok1, tooLong, noFace, ok2, flaky, afterFlaky));
            all.addAll(wholeBatchFault);

            TransformHarness.Results results = h.awaitSettled(all);

            assertThat(results.failuresFor(tooLong)).singleElement().extracting(StageFailed::getReason).isEqualTo(FailureReason.LIMIT_EXCEEDED);
            assertThat(results.failuresFor(noFace)).singleElement().extracting(StageFailed::getReason).isEqualTo(FailureReason.NO_FACE);
            assertThat(results.outputsFor(tooLong)).isEmpty();
            assertThat(results.outputsFor(noFace)).isEmpty();
            List<String> succeeding = new ArrayList<>(List.of(ok1, ok2, flaky, afterFlaky));
            succeeding.addAll(wholeBatchFault);
            for (String id : succeeding) {
                assertThat(results.outputsFor(id)).as("outputs of %s", id).hasSize(1);
                assertThat(results.failuresFor(id)).as("failures of %s", id).isEmpty();
            }
            assertThat(h.batchingStage.batches()).as("the bad request was validated alone and left the batch; the other ran in it")
                    .contains(List.of(ok1, noFace, ok2))
                    .as("a transient fault inside a batch is retried alone").contains(List.of(flaky, afterFlaky));
            assertThat(h.stage.invocations(flaky)).as("the batch attempt, then one retry alone after it failed transiently").isEqualTo(2);
            assertThat(h.batchingStage.batches()).as("a batch that failed as a whole was processed one by one")
                    .noneMatch(batch -> batch.contains(wholeBatchFault.get(1)));
        }
    }

    @Test
    void shouldCommitTheOthersAndFailOnlyThePoisonOutputWhenABatchCannotBeWrittenTogether(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            String before = h.submit("shape=a");
            String huge = h.submit("shape=a hugeoutput");
            String after = h.submit("shape=a");
            h.startBatching(h.config("b4").withRuntime(h.config("b4").runtime().withBatchMaxSize(4)));

            TransformHarness.Results results = h.awaitSettled(List.of(before, huge, after));

            assertThat(h.batchingStage.batches()).contains(List.of(before, huge, after));
            assertThat(results.outputsFor(huge)).isEmpty();
            assertThat(results.failuresFor(huge)).singleElement().satisfies(f -> {
                assertThat(f.getReason()).isEqualTo(FailureReason.INTERNAL);
                assertThat(f.getMessage()).contains("could not be written to Kafka").contains("RecordTooLargeException");
            });
            assertThat(results.outputsFor(before)).hasSize(1);
            assertThat(results.outputsFor(after)).hasSize(1);
            assertThat(h.stage.invocations(huge)).as("the step is not redone to retry the write").isEqualTo(1);
            assertThat(committedOffsets(pipeline, h)).isEqualTo(endOffsets(pipeline, h, 1));
        }
    }

    /** kill -9 while a batch is mid-step; read_committed must never see part of a batch, and after a restart each request once. */
    @Test
    void shouldShowAllOrNoneOfABatchAndEachOutputOnceWhenTheProcessIsKilledMidBatchAndRestarted(EmbeddedPipeline pipeline)
            throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(h.submit("sleep=1500"));
            }
            Set<Integer> visibleOutputCounts = new HashSet<>();
            Process first = startStageProcess(pipeline, h, "first");
            try (CommittedReader reader = h.reader()) {
                // The first batch is committed and a request of the second batch is mid-step: kill -9 now.
                reader.await(r -> ids.contains(r.key()), seen -> {
                    long outputs = seen.stream().filter(r -> r.topic().equals(h.outputTopic)).count();
                    visibleOutputCounts.add((int) outputs);
                    return outputs > 0 && seen.stream().anyMatch(r -> r.topic().equals(Topics.PROGRESS)
                            && !committedOutput(seen, h, r.key()));
                }, Duration.ofSeconds(90), Duration.ZERO);
            }
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            Process second = startStageProcess(pipeline, h, "second");
            try {
                TransformHarness.Results results = h.awaitSettled(ids);

                for (String id : ids) {
                    assertThat(results.outputsFor(id)).as("outputs of %s; logs in %s", id, logs).hasSize(1);
                }
                assertThat(results.failures).isEmpty();
                assertThat(visibleOutputCounts).as("outputs visible while the first process ran: whole batches of 4 only")
                        .allSatisfy(n -> assertThat(n % 4).isZero());
            } finally {
                second.destroy();
                assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    private static boolean committedOutput(List<ConsumerRecord<String, byte[]>> seen, TransformHarness h, String id) {
        return seen.stream().anyMatch(r -> r.topic().equals(h.outputTopic) && r.key().equals(id));
    }

    private Process startStageProcess(EmbeddedPipeline pipeline, TransformHarness h, String label) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ParentWatchingLauncher.class.getName(), String.valueOf(ProcessHandle.current().pid()),
                StageProcessMain.class.getName(), h.name, h.inputTopic, h.outputTopic, "batching");
        builder.environment().putAll(pipeline.stageEnvironment("crash-b"));
        builder.environment().put("IDSTREAM_RUNTIME_BATCH_MAX_SIZE", "4");
        builder.redirectErrorStream(true).redirectOutput(logs.resolve(label + ".log").toFile());
        return builder.start();
    }

    private static Map<TopicPartition, Long> committedOffsets(EmbeddedPipeline pipeline, TransformHarness h) throws Exception {
        try (Admin admin = pipeline.kafka().admin()) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(KafkaClients.groupId(h.name)).partitionsToOffsetAndMetadata().get()
                    .forEach((partition, offset) -> offsets.put(partition, offset.offset()));
            return offsets;
        }
    }

    private static Map<TopicPartition, Long> endOffsets(EmbeddedPipeline pipeline, TransformHarness h, int partitions) throws Exception {
        try (Admin admin = pipeline.kafka().admin()) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(h.inputTopic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((partition, info) -> offsets.put(partition, info.offset()));
            return offsets;
        }
    }
}
