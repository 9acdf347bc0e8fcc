package dev.idstream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.testing.CommittedReader;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EmbeddedPipelineExtension;
import dev.idstream.core.testing.TransformStage;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationRequested;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The runtime on a real Kafka broker, Schema Registry and S3 server, with a real (small) stage. */
@ExtendWith(EmbeddedPipelineExtension.class)
class StageRunnerTest {

    private static final String PARENT_TRACE = "00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01";

    @Test
    void shouldCommitExactlyOneOutputPerInputWithoutAStatusAndContinueTheTrace(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 3)) {
            h.start();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(h.submit("a person smiling"));
            }

            TransformHarness.Results results = h.awaitSettled(ids);

            for (String id : ids) {
                assertThat(results.outputsFor(id)).as("outputs of %s", id).hasSize(1);
                assertThat(results.statusesFor(id)).as("the runtime writes no status; the aggregates application does").isEmpty();
            }
            assertThat(results.failures).isEmpty();
            FaceDetected first = results.outputEvents.get(0);
            byte[] reference = pipeline.artifacts().get(first.getReference());
            assertThat(pipeline.artifacts().get(first.getImage())).isEqualTo(TransformStage.reversed(reference));
            assertThat(first.getImage().getUri())
                    .isEqualTo("s3://" + EmbeddedPipeline.BUCKET + "/requests/" + first.getRequestId() + "/" + h.name + "/transformed.bin");

            TraceContext parent = TraceContext.parse(PARENT_TRACE).orElseThrow();
            TraceContext span = TraceContext.parse(first.getTraceparent()).orElseThrow();
            assertThat(span.traceId()).isEqualTo(parent.traceId());
            assertThat(span.spanId()).isNotEqualTo(parent.spanId());
            ConsumerRecord<String, byte[]> firstRecord = results.outputs.get(0);
            assertThat(new String(firstRecord.headers().lastHeader("traceparent").value(), StandardCharsets.US_ASCII))
                    .isEqualTo(results.outputEvents.get(0).getTraceparent());

            assertThat(committedOffsets(pipeline, h)).isEqualTo(endOffsets(pipeline, h));
        }
    }

    @Test
    void shouldFailBadInputOnceWithoutRetryAndProcessTheNextRecord(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            h.start();
            String tooLong = h.submit("x".repeat(2001));
            String noFace = h.submit("noface");
            String mismatched = h.name + "-mismatch";
            GenerationRequested other = h.submit(h.name + "-other", "fine", PARENT_TRACE);
            h.publisher.send(h.inputTopic, mismatched, other);
            String good = h.submit("fine");

            TransformHarness.Results results = h.awaitSettled(List.of(tooLong, noFace, mismatched, good));

            assertThat(results.failuresFor(tooLong)).singleElement().satisfies(f -> {
                assertThat(f.getReason()).isEqualTo(FailureReason.LIMIT_EXCEEDED);
                assertThat(f.getMessage()).isEqualTo("the prompt is 2001 characters long, the limit is 2000");
                assertThat(f.getStage()).isEqualTo(h.name);
                assertThat(f.getInputTopic()).isEqualTo(h.inputTopic);
            });
            assertThat(results.failuresFor(noFace)).singleElement().satisfies(f -> {
                assertThat(f.getReason()).isEqualTo(FailureReason.NO_FACE);
                assertThat(f.getMessage()).isEqualTo("no face found in the reference image");
            });
            assertThat(results.failuresFor(mismatched)).singleElement().satisfies(f -> {
                assertThat(f.getReason()).isEqualTo(FailureReason.BAD_INPUT);
                assertThat(f.getMessage()).contains("differs from the record key");
            });
            assertThat(h.stage.invocations(noFace)).as("bad input is not retried").isEqualTo(1);
            assertThat(results.outputsFor(good)).hasSize(1);
            assertThat(results.outputsFor(tooLong)).isEmpty();
            assertThat(results.outputsFor(noFace)).isEmpty();
        }
    }

    @Test
    void shouldRetryATransientFaultAndThenSucceed(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            StageRunner<?, ?> runner = h.start();
            String id = h.submit("transient=2");

            TransformHarness.Results results = h.awaitSettled(List.of(id));

            assertThat(results.outputsFor(id)).hasSize(1);
            assertThat(results.failuresFor(id)).isEmpty();
            assertThat(h.stage.invocations(id)).isEqualTo(3);
            assertThat(scrape(runner)).contains("idstream_stage_retries_total{stage=\"" + h.name + "\"} 2.0");
        }
    }

    @Test
    void shouldFailWithTheCauseWhenRetriesAreExhausted(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            h.start();
            String id = h.submit("transient=10");
            String next = h.submit("fine");

            TransformHarness.Results results = h.awaitSettled(List.of(id, next));

            assertThat(results.failuresFor(id)).singleElement().satisfies(f -> {
                assertThat(f.getReason()).isEqualTo(FailureReason.TRANSIENT_RETRIES_EXHAUSTED);
                assertThat(f.getMessage()).startsWith(h.name + " gave up after 3 attempts in ")
                        .endsWith("simulated S3 outage on attempt 3");
                assertThat(f.getDetail()).contains("StageException$Transient").contains("connection refused");
            });
            assertThat(h.stage.invocations(id)).isEqualTo(3);
            assertThat(results.outputsFor(id)).isEmpty();
            assertThat(results.outputsFor(next)).hasSize(1);
        }
    }

    @Test
    void shouldFailUnreadableRecordsAndProcessTheNext(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            h.start();
            byte[] valid = pipeline.serde().serialize(h.inputTopic,
                    TransformStage.request(pipeline.artifacts(), h.name + "-probe", new byte[8], "fine", PARENT_TRACE));
            byte[] wrongMagic = valid.clone();
            wrongMagic[0] = 1;
            byte[] unknownId = valid.clone();
            ByteBuffer.wrap(unknownId).putInt(1, 987_654);
            byte[] truncated = Arrays.copyOf(valid, valid.length / 2);
            Map<String, byte[]> unreadable = Map.of(
                    h.name + "-magic", wrongMagic,
                    h.name + "-unknown-id", unknownId,
                    h.name + "-truncated", truncated,
                    h.name + "-empty", new byte[0]);
            for (Map.Entry<String, byte[]> e : unreadable.entrySet()) {
                h.publisher.sendRaw(h.inputTopic, e.getKey(), e.getValue(), PARENT_TRACE);
            }
            String good = h.submit("fine");

            List<String> ids = new ArrayList<>(unreadable.keySet());
            ids.add(good);
            TransformHarness.Results results = h.awaitSettled(ids);

            for (String id : unreadable.keySet()) {
                assertThat(results.failuresFor(id)).as(id).singleElement().satisfies(f -> {
                    assertThat(f.getReason()).isEqualTo(FailureReason.UNREADABLE_EVENT);
                    assertThat(f.getMessage()).startsWith("cannot read the event at " + h.inputTopic + " partition 0 offset " + f.getInputOffset() + ": ");
                    assertThat(TraceContext.parse(f.getTraceparent()).orElseThrow().traceId())
                            .as("the header's trace continues").isEqualTo("ab".repeat(16));
                });
            }
            assertThat(results.failuresFor(h.name + "-unknown-id").get(0).getMessage()).contains("unknown schema id 987654");
            assertThat(results.failuresFor(h.name + "-magic").get(0).getMessage()).containsIgnoringCase("magic");
            assertThat(results.outputsFor(good)).hasSize(1);
        }
    }

    @Test
    void shouldReportAnUnexpectedErrorAsInternalWithItsExceptionChain(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            h.start();
            String id = h.submit("boom");
            String next = h.submit("fine");

            TransformHarness.Results results = h.awaitSettled(List.of(id, next));

            assertThat(results.failuresFor(id)).singleElement().satisfies(f -> {
                assertThat(f.getReason()).isEqualTo(FailureReason.INTERNAL);
                assertThat(f.getMessage()).isEqualTo("internal error in stage " + h.name + ": IllegalStateException: simulated bug in "
                        + h.name + " <- ArithmeticException: / by zero");
                assertThat(f.getDetail()).contains("java.lang.IllegalStateException").contains("Caused by: java.lang.ArithmeticException")
                        .contains("TransformStage.process");
            });
            assertThat(h.stage.invocations(id)).isEqualTo(1);
            assertThat(results.outputsFor(next)).hasSize(1);
        }
    }

    @Test
    void shouldReplaceAnOutputThatKafkaRejectsWithOneStageFailedAndProcessTheNext(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            StageRunner<?, ?> runner = h.start();
            String id = h.submit("hugeoutput");
            String next = h.submit("fine");

            TransformHarness.Results results = h.awaitSettled(List.of(id, next));

            assertThat(results.outputsFor(id)).isEmpty();
            assertThat(results.failuresFor(id)).singleElement().satisfies(f -> {
                assertThat(f.getReason()).isEqualTo(FailureReason.INTERNAL);
                assertThat(f.getMessage()).startsWith("the output of stage " + h.name + " could not be written to Kafka after 3 transactions: ")
                        .contains("RecordTooLargeException: The message is ");
                assertThat(f.getDetail()).contains("org.apache.kafka.common.errors.RecordTooLargeException");
            });
            assertThat(results.outputsFor(next)).hasSize(1);
            assertThat(h.stage.invocations(id)).as("the step is not redone to retry the write").isEqualTo(1);
            assertThat(scrape(runner)).contains("idstream_stage_transaction_aborts_total{stage=\"" + h.name + "\"} 3.0");
        }
    }

    @Test
    void shouldPublishProgressWhileTheStepRunsAndServeHealthAndMetrics(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 3)) {
            StageRunner<?, ?> runner = h.start();
            String id = h.submit("sleep=1500");
            String failing = h.submit("noface");

            try (CommittedReader reader = h.reader()) {
                List<ConsumerRecord<String, byte[]>> progress = reader.awaitCount(
                        r -> r.key().equals(id) && r.topic().equals(dev.idstream.core.Topics.PROGRESS), 3, Duration.ofSeconds(30));
                assertThat(progress).as("progress is visible before the output is committed")
                        .noneMatch(r -> r.topic().equals(h.outputTopic));
            }
            HttpResponse<String> healthDuringStep = get(runner, "/health");
            assertThat(healthDuringStep.statusCode()).isEqualTo(200);
            assertThat(healthDuringStep.body()).contains("\"status\":\"UP\"").contains("\"stage\":\"" + h.name + "\"");

            TransformHarness.Results results = h.awaitSettled(List.of(id, failing));

            assertThat(results.progressCount).isEqualTo(10);
            String metrics = scrape(runner);
            assertThat(metrics)
                    .contains("idstream_stage_processed_total{stage=\"" + h.name + "\"} 1.0")
                    .contains("idstream_stage_failed_total{reason=\"NO_FACE\",stage=\"" + h.name + "\"} 1.0")
                    .contains("idstream_stage_step_seconds_count{outcome=\"success\",stage=\"" + h.name + "\"} 1")
                    .contains("idstream_stage_in_flight{stage=\"" + h.name + "\"} 0.0")
                    .contains("idstream_stage_consumer_lag{stage=\"" + h.name + "\"}")
                    .contains("process_cpu_seconds_total");

            runner.close();
            assertThat(runner.health().up()).isFalse();
            assertThat(runner.health().state()).isEqualTo("stopped");
        }
    }

    static String scrape(StageRunner<?, ?> runner) throws Exception {
        HttpResponse<String> response = get(runner, "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    static HttpResponse<String> get(StageRunner<?, ?> runner, String path) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<TopicPartition, Long> committedOffsets(EmbeddedPipeline pipeline, TransformHarness h) throws Exception {
        try (Admin admin = pipeline.kafka().admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("idstream-" + h.name)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    private static Map<TopicPartition, Long> endOffsets(EmbeddedPipeline pipeline, TransformHarness h) throws Exception {
        try (Admin admin = pipeline.kafka().admin()) {
            Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
            for (int p = 0; p < 3; p++) {
                request.put(new TopicPartition(h.inputTopic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get().entrySet().stream()
                    .filter(e -> e.getValue().offset() > 0)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }
}
