package dev.idstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.Topics;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.RequestState;
import dev.idstream.events.RequestStatus;
import dev.idstream.events.StageFailed;
import dev.idstream.events.TokensFused;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on the embedded infrastructure: real Kafka, Schema Registry and S3, all five stages and the
 * aggregates application (request status, metrics summaries).
 */
class PipelineIT {

    @TempDir
    static Path dataDir;

    static EmbeddedPipeline pipeline;
    static StageConfig config;
    static ConfluentEventSerde serde;
    static S3ArtifactStore artifacts;
    static RequestClient client;

    @BeforeAll
    static void startPipeline() throws Exception {
        pipeline = EmbeddedPipeline.start(dataDir, EmbeddedPipeline.everything(), Map.of());
        config = pipeline.config();
        serde = new ConfluentEventSerde(config.registry());
        artifacts = S3ArtifactStore.open(config.s3());
        client = new RequestClient(config.kafka().clientConfig(), serde, artifacts);
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (client != null) {
            client.close();
        }
        if (artifacts != null) {
            artifacts.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldCarryARequestThroughAllFiveTopicsExactlyOnce() throws Exception {
        Path portrait = SharedData.file("portraits/d9.jpg");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        RequestClient.Outcome outcome = Submission.run(config, portrait, params("a person smiling").build(), Duration.ofMinutes(3),
                dataDir.resolve("out"), new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(outcome.succeeded()).as(printed.toString(StandardCharsets.UTF_8)).isTrue();
        String id = outcome.requestId();
        assertThat(countFor(Topics.FACES, FaceDetected.class, id)).isEqualTo(1);
        assertThat(countFor(Topics.TOKENS, TokensFused.class, id)).isEqualTo(1);
        assertThat(countFor(Topics.LATENTS, LatentsDenoised.class, id)).isEqualTo(1);
        assertThat(countFor(Topics.VIDEOS, VideoDecoded.class, id)).isEqualTo(1);
        assertThat(countFor(Topics.METRICS, VideoMetrics.class, id)).isEqualTo(1);
        assertThat(countFor(Topics.FAILURES, StageFailed.class, id)).isZero();

        byte[] mp4 = artifacts.get(outcome.metrics().getVideo());
        assertThat(new String(mp4, 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        assertThat(outcome.metrics().getSettings()).containsEntry("framesDecoded", "9");
        // scored by the face bundle; at the default 96×64 the face may be too small to find: then no score, never a fake one
        VideoMetrics metrics = outcome.metrics();
        System.out.printf("metrics of the demo request: %d/%d frames scored, RS %s, IFS %s, FID %s, FM %s%n", metrics.getFramesScored(),
                metrics.getFramesSampled(), metrics.getRs(), metrics.getIfs(), metrics.getFidPerFrame(), metrics.getFm());
        assertThat(metrics.getFramesSampled()).isEqualTo(9);
        assertThat(metrics.getFramesScored() + metrics.getFramesWithoutFace()).isEqualTo(9);
        assertThat(metrics.getRs() == null).isEqualTo(metrics.getFramesScored() == 0);
        assertThat(outcome.metrics().getEvaluator()).startsWith("idstream-face@");
        FaceDetected faces = EventLog.read(config.kafka().clientConfig(), serde, Topics.FACES, FaceDetected.class,
                e -> id.equals(e.getRequestId())).get(0);
        assertThat(faces.getFacesFound()).isEqualTo(1);
        assertThat(faces.getFaces().get(0).getMesh()).isNotNull();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("denoise", "8/8", "SCORED");
        assertThat(awaitStatus(id, RequestState.SCORED).getVideo()).isEqualTo(metrics.getVideo());
        MetricsSummary summary = awaitSummary(metrics.getModelVersion() + "|none|" + metrics.getEvaluator());
        assertThat(summary.getVideos()).isGreaterThanOrEqualTo(1);
        assertThat(summary.getEvalSetId()).isEqualTo("none");
    }

    @Test
    void shouldFailEachBadInputExactlyOnceWithAClearMessageAndKeepServing() throws Exception {
        byte[] jpeg = Files.readAllBytes(SharedData.file("portraits/d9.jpg"));
        Map<String, String> expected = new LinkedHashMap<>();

        expected.put(publish(upload("truncated.jpg", Arrays.copyOf(jpeg, jpeg.length * 6 / 10)), params("p")), "truncated or corrupt");
        expected.put(publish(upload("notes.jpg", "this is a text file, not a photo\n".getBytes(StandardCharsets.UTF_8)), params("p")),
                "not a JPEG, PNG or WebP image");
        expected.put(publish(upload("bomb.png", pngHeaderClaiming(20000, 20000)), params("p")), "image is 20000×20000, the limit is 4096×4096");
        expected.put(publish(upload("cat.jpg", Files.readAllBytes(SharedData.file("nonfaces/cat.jpg"))), params("p")),
                "no face found in the reference image");
        ArtifactRef good = upload("good.jpg", jpeg);
        expected.put(publish(good, params("p").setFrames(-3)), "frames is -3");
        // within the generic limits, but not a shape the tiny generator can make: refused by denoise
        String misfit = publish(good, params("p").setFrames(10));
        expected.put(publish(good, params("x".repeat(100 * 1024))), "prompt is 102,400 characters, the limit is 2,000");
        ArtifactRef wrongSha = ArtifactRef.newBuilder(good).setSha256("0".repeat(64)).build();
        expected.put(publish(wrongSha, params("p")), "sha256");
        String unknownSchema = RequestClient.newRequestId();
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(config.kafka().clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
            byte[] payload = ByteBuffer.allocate(9).put((byte) 0).putInt(987654).putInt(42).array();
            raw.send(new ProducerRecord<>(Topics.REQUESTS, unknownSchema, payload)).get();
        }
        expected.put(unknownSchema, "987654");

        // The next valid request still completes.
        RequestClient.Outcome after = Submission.run(config, SharedData.file("portraits/d9.jpg"), params("after the bad ones").build(),
                Duration.ofMinutes(3), dataDir.resolve("out"), new PrintStream(new ByteArrayOutputStream()));
        assertThat(after.succeeded()).isTrue();

        List<StageFailed> failures = EventLog.read(config.kafka().clientConfig(), serde, Topics.FAILURES, StageFailed.class,
                f -> expected.containsKey(f.getRequestId()));
        for (var e : expected.entrySet()) {
            List<StageFailed> mine = failures.stream().filter(f -> f.getRequestId().equals(e.getKey())).toList();
            assertThat(mine).as("failures of the request expecting '%s'", e.getValue()).hasSize(1);
            assertThat(mine.get(0).getMessage()).contains(e.getValue());
            assertThat(mine.get(0).getStage()).isEqualTo("detect");
        }
        assertThat(failures.stream().filter(f -> f.getRequestId().equals(unknownSchema)).findFirst().orElseThrow().getReason())
                .isEqualTo(FailureReason.UNREADABLE_EVENT);
        assertThat(failures.stream().filter(f -> f.getMessage().contains("sha256")).findFirst().orElseThrow().getReason())
                .isEqualTo(FailureReason.CHECKSUM_MISMATCH);
        for (String id : expected.keySet()) {
            assertThat(countFor(Topics.FACES, FaceDetected.class, id)).as("no output for a failed request").isZero();
        }
        List<StageFailed> misfits = List.of();
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); misfits.isEmpty() && System.nanoTime() < deadline; ) {
            misfits = EventLog.read(config.kafka().clientConfig(), serde, Topics.FAILURES, StageFailed.class,
                    f -> f.getRequestId().equals(misfit));
        }
        assertThat(misfits).hasSize(1);
        assertThat(misfits.get(0).getStage()).isEqualTo("denoise");
        assertThat(misfits.get(0).getReason()).isEqualTo(FailureReason.LIMIT_EXCEEDED);
        assertThat(misfits.get(0).getMessage()).contains("frames is 10; this generator makes 1 + 4k frames");
        assertThat(countFor(Topics.LATENTS, LatentsDenoised.class, misfit)).isZero();
        String noFace = expected.entrySet().stream().filter(e -> e.getValue().startsWith("no face")).findFirst().orElseThrow().getKey();
        RequestStatus failed = awaitStatus(noFace, RequestState.FAILED);
        assertThat(failed.getStage()).isEqualTo("detect");
        assertThat(failed.getFailureReason()).isEqualTo(FailureReason.NO_FACE);
        assertThat(awaitStatus(misfit, RequestState.FAILED).getStage()).isEqualTo("denoise");
    }

    /** The status table is built by the aggregates application from the events: eventually consistent, so wait. */
    private static RequestStatus awaitStatus(String requestId, RequestState state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        RequestStatus latest = null;
        while (System.nanoTime() < deadline) {
            latest = StatusCommand.latest(config, requestId).orElse(null);
            if (latest != null && latest.getState() == state) {
                return latest;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("status of " + requestId + " did not become " + state + " within 60 s; latest: " + latest);
    }

    private static MetricsSummary awaitSummary(String key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<MetricsSummary> summaries = EventLog.read(config.kafka().clientConfig(), serde, Topics.METRICS_SUMMARY, MetricsSummary.class,
                    s -> key.equals(s.getModelVersion() + "|" + s.getEvalSetId() + "|" + s.getEvaluator()));
            if (!summaries.isEmpty()) {
                return summaries.get(summaries.size() - 1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no MetricsSummary " + key + " within 60 s");
    }

    private static GenerationParams.Builder params(String prompt) {
        return GenerationParams.newBuilder().setPrompt(prompt);
    }

    private static ArtifactRef upload(String name, byte[] bytes) throws Exception {
        return artifacts.put(new ArtifactKey(RequestClient.newRequestId(), "upload", name), bytes, "application/octet-stream");
    }

    /** Publishes and returns the request id; the failures are collected at the end (no waiting per request). */
    private static String publish(ArtifactRef reference, GenerationParams.Builder params) throws Exception {
        String id = RequestClient.newRequestId();
        GenerationRequested request = client.request(id, reference, params.build());
        client.publish(request);
        return id;
    }

    private static <T extends SpecificRecord> long countFor(String topic, Class<T> type, String requestId) throws Exception {
        return EventLog.read(config.kafka().clientConfig(), serde, topic, type,
                e -> requestId.equals(e.get(e.getSchema().getField("requestId").pos()))).size();
    }

    /** A PNG signature and a valid IHDR chunk announcing width×height, then nothing: a decompression-bomb header. */
    static byte[] pngHeaderClaiming(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }
}
