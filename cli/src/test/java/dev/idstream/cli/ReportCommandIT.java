package dev.idstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.Topics;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code idstream report} end to end: a video scored by the real metrics stage on the embedded pipeline, then the page. */
class ReportCommandIT {

    private static final String EVAL_SET = "report-it";

    @TempDir
    Path dir;

    @Test
    void shouldWriteTheReportOfASetScoredByTheMetricsStage() throws Exception {
        Path clip = SharedData.file("videos/d11.mp4");
        Path portrait = SharedData.file("portraits/d9.jpg");
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(dir.resolve("pipeline"), List.of("metrics"), Map.of());
             S3ArtifactStore artifacts = S3ArtifactStore.open(pipeline.config().s3())) {
            ConfluentEventSerde serde = new ConfluentEventSerde(pipeline.config().registry());
            String id = RequestClient.newRequestId();
            VideoDecoded decoded = VideoDecoded.newBuilder()
                    .setRequestId(id).setTraceparent(Traceparent.newRoot()).setCreatedAt(Instant.now())
                    .setOrigin(VideoOrigin.EXTERNAL)
                    .setVideo(artifacts.putFile(new ArtifactKey(id, "decode", "video.mp4"), clip, "video/mp4"))
                    .setReference(artifacts.putFile(new ArtifactKey(id, "upload", "reference.jpg"), portrait, "image/jpeg"))
                    .setModelVersion("it-test-label").setEvalSetId(EVAL_SET).setLabel("d11 <vs> d9.jpg")
                    .setPrompt("a person talking").setFrames(0).setWidth(0).setHeight(0).setFps(25)
                    .build();
            publish(pipeline, serde, decoded);
            awaitMetrics(pipeline, serde, id);

            Path config = dir.resolve("connection.properties");
            Files.writeString(config, pipeline.connectionEnv().entrySet().stream()
                    .map(e -> e.getKey().substring("IDSTREAM_".length()).toLowerCase().replace('_', '.') + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n")));
            Path out = dir.resolve("out/report.html");
            int code = new CommandLine(new Main()).execute("report", "--eval-set", EVAL_SET, "--out", out.toString(),
                    "--config", config.toString());

            assertThat(code).isZero();
            String html = Files.readString(out);
            assertThat(html).contains("<h1>report-it</h1>", "it-test-label", "d11 &lt;vs&gt; d9.jpg", "a person talking",
                            "data:image/jpeg;base64,", "No MetricsSummary for this set", "idstream-face@")
                    .doesNotContain("class=\"warn\"") // every picture could be made
                    .doesNotContainIgnoringCase("http:");
            int missing = new CommandLine(new Main()).execute("report", "--eval-set", "no-such-set", "--out",
                    dir.resolve("none.html").toString(), "--config", config.toString());
            assertThat(missing).isEqualTo(3);
            assertThat(dir.resolve("none.html")).doesNotExist();
        }
    }

    private static void publish(EmbeddedPipeline pipeline, ConfluentEventSerde serde, VideoDecoded decoded) throws Exception {
        Map<String, Object> props = new HashMap<>(pipeline.config().kafka().clientConfig());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.VIDEOS, decoded.getRequestId(), serde.serialize(Topics.VIDEOS, decoded))).get();
        }
    }

    private static void awaitMetrics(EmbeddedPipeline pipeline, ConfluentEventSerde serde, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (!EventLog.read(pipeline.config().kafka().clientConfig(), serde, Topics.METRICS, VideoMetrics.class,
                    m -> m.getRequestId().equals(id)).isEmpty()) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no VideoMetrics for " + id + " within 5 minutes");
    }
}
