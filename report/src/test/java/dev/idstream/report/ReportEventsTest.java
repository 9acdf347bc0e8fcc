package dev.idstream.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.Topics;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EventPublisher;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a set's events from a real broker and registry, then the whole page from them. */
class ReportEventsTest {

    private static final String EVALUATOR = "idstream-face@1.0.0";

    @TempDir
    static Path dir;

    private static EmbeddedPipeline pipeline;

    @BeforeAll
    static void start() {
        pipeline = EmbeddedPipeline.start(dir);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldReadOnlyTheSetsCommittedEventsAndTheLatestSummaryPerKey() throws Exception {
        try (EventPublisher publisher = new EventPublisher(pipeline)) {
            VideoMetrics a = Events.metrics("r-a", "v1", EVALUATOR, 0.6, 0.95, 130.0, 0.5).setEvalSetId("set-x").build();
            VideoMetrics b = Events.metrics("r-b", "v2", EVALUATOR, 0.4, 0.93, 140.0, 0.7).setEvalSetId("set-x").build();
            VideoMetrics other = Events.metrics("r-o", "v1", EVALUATOR, 0.9, 0.99, 100.0, 0.1).setEvalSetId("set-y").build();
            publisher.send(Topics.METRICS, "r-a", a);
            publisher.send(Topics.METRICS, "r-b", b);
            publisher.send(Topics.METRICS, "r-o", other);
            publisher.sendRaw(Topics.METRICS, "r-bad", "not an event".getBytes(StandardCharsets.UTF_8), null);
            abortedSend(Events.metrics("r-aborted", "v1", EVALUATOR, 0.1, 0.5, 300.0, 0.1).setEvalSetId("set-x").build());

            String key1 = "v1|set-x|" + EVALUATOR;
            publisher.send(Topics.METRICS_SUMMARY, key1, summary("v1", "set-x", 1, 0.55));
            publisher.send(Topics.METRICS_SUMMARY, key1, summary("v1", "set-x", 2, 0.60)); // the latest counts
            String key2 = "v2|set-x|" + EVALUATOR;
            publisher.send(Topics.METRICS_SUMMARY, key2, summary("v2", "set-x", 1, 0.40));
            publisher.sendRaw(Topics.METRICS_SUMMARY, key2, null, null); // deleted
            publisher.send(Topics.METRICS_SUMMARY, "v1|set-y|" + EVALUATOR, summary("v1", "set-y", 1, 0.90));

            publisher.send(Topics.VIDEOS, "r-a", decoded("r-a", "set-x", "a prompt"));
            publisher.send(Topics.VIDEOS, "r-o", decoded("r-o", "set-y", "another prompt"));
        }

        ReportInputs inputs = new ReportEvents(pipeline.kafkaSettings().clientConfig(), pipeline.serde(), Duration.ofSeconds(60))
                .read("set-x");

        assertThat(inputs.metrics()).extracting(VideoMetrics::getRequestId).containsExactlyInAnyOrder("r-a", "r-b");
        assertThat(inputs.summaries()).singleElement().satisfies(s -> {
            assertThat(s.getModelVersion()).isEqualTo("v1");
            assertThat(s.getVideos()).isEqualTo(2);
        });
        assertThat(inputs.decoded()).containsOnlyKeys("r-a");
        assertThat(inputs.warnings()).singleElement().asString().startsWith("Skipped 1 unreadable record(s) on " + Topics.METRICS);

        EvalSetReport report = new ReportAssembler(VideoMedia.none("no pictures in this test")).assemble("set-x", inputs);
        String html = new HtmlReportWriter().write(report);
        assertThat(report.sections()).singleElement().satisfies(s -> assertThat(s.rows())
                .extracting(ModelVersionRow::modelVersion, ModelVersionRow::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("v1", ModelVersionRow.Source.METRICS_SUMMARY),
                        org.assertj.core.groups.Tuple.tuple("v2", ModelVersionRow.Source.VIDEO_METRICS)));
        assertThat(html).contains("a prompt", "Skipped 1 unreadable record(s)").doesNotContain("another prompt");
    }

    private static void abortedSend(VideoMetrics m) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "report-test-aborted"), new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.METRICS, m.getRequestId(), pipeline.serde().serialize(Topics.METRICS, m))).get();
            producer.abortTransaction();
        }
    }

    private static MetricsSummary summary(String version, String set, long videos, double rs) {
        MetricsSummary s = Events.summary(version, EVALUATOR, videos, rs, 150.0);
        s.setEvalSetId(set);
        return s;
    }

    private static VideoDecoded decoded(String requestId, String set, String prompt) {
        ArtifactRef ref = Events.ref("s3://" + EmbeddedPipeline.BUCKET + "/requests/" + requestId + "/decode/video.mp4");
        return VideoDecoded.newBuilder()
                .setRequestId(requestId).setTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .setCreatedAt(Instant.now()).setOrigin(VideoOrigin.GENERATED).setVideo(ref).setReference(ref)
                .setModelVersion("v1").setEvalSetId(set).setPrompt(prompt)
                .setFrames(16).setWidth(512).setHeight(512).setFps(25)
                .build();
    }
}
