package dev.idstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.Topics;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./idstream eval} on real clips: through Kafka and the real metrics stage, nothing else of the pipeline. */
class EvalCommandIT {

    @TempDir
    static Path dir;

    static EmbeddedPipeline pipeline;
    static Path connection;

    @BeforeAll
    static void startMetricsOnly() throws Exception {
        pipeline = EmbeddedPipeline.start(dir.resolve("pipeline"), List.of("metrics"), Map.of());
        connection = pipeline.writeConnectionProperties(dir.resolve("connection.properties"));
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldScoreTheSamePersonClearlyHigherThanOtherPeopleWhenAnExternalVideoIsEvaluated() throws Exception {
        Path video = SharedData.file("videos/d3.mp4");
        String evalSet = "same-vs-other-" + UUID.randomUUID();
        Map<String, String> references = Map.of("same", "portraits/d3_still.jpg", "d9", "portraits/d9.jpg", "grace", "portraits/grace_hopper.jpg");
        for (var reference : references.entrySet()) {
            Cli run = Cli.run("eval", "--video", video.toString(), "--reference", SharedData.file(reference.getValue()).toString(),
                    "--eval-set", evalSet, "--label", reference.getKey(), "--model-version", "liveportrait", "--config", connection.toString());
            assertThat(run.exitCode()).as(run.printed()).isZero();
            assertThat(run.out()).contains("d3.mp4 vs", "evaluator idstream-face@", "frames sampled 16", "RS 0.", "IFS 0.", "FM ");
            System.out.println(run.out());
        }

        Map<String, VideoMetrics> byLabel = new java.util.HashMap<>();
        for (VideoMetrics m : metricsOf(evalSet)) {
            byLabel.put(m.getLabel(), m);
        }
        assertThat(byLabel).containsOnlyKeys("same", "d9", "grace");
        double same = byLabel.get("same").getRs();
        System.out.printf("d3.mp4 RS: %.4f vs d3_still.jpg, %.4f vs d9.jpg, %.4f vs grace_hopper.jpg%n", same, byLabel.get("d9").getRs(),
                byLabel.get("grace").getRs());
        assertThat(same).isGreaterThan(byLabel.get("d9").getRs() + 0.03).isGreaterThan(byLabel.get("grace").getRs() + 0.03);
        VideoMetrics m = byLabel.get("same");
        assertThat(m.getOrigin()).isEqualTo(VideoOrigin.EXTERNAL);
        assertThat(m.getModelVersion()).isEqualTo("liveportrait");
        assertThat(m.getFramesScored()).isEqualTo(16);
        assertThat(m.getIfs()).isNotNull();
        assertThat(m.getFidPerFrame()).isNotNull();
        assertThat(m.getFm()).isPositive();

        VideoDecoded published = EventLog.read(kafka(), serde(), Topics.VIDEOS, VideoDecoded.class,
                v -> v.getRequestId().equals(m.getRequestId())).get(0);
        assertThat(published.getVideo().getUri()).endsWith("/requests/" + m.getRequestId() + "/external/video.mp4");
        assertThat(published.getVideo().getSha256()).isEqualTo(sha256(video));
        assertThat(published.getReference().getUri()).endsWith("/external/reference.jpg");
        assertThat(published.getFrames()).isEqualTo(354);
        assertThat(published.getWidth()).isEqualTo(512);
        assertThat(published.getFps()).isPositive();
    }

    @Test
    void shouldRefuseBadInputClearlyBeforePublishingAnything() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.mp4"), "this is a text file, not a video\n");
        Path portrait = SharedData.file("portraits/d9.jpg").toAbsolutePath();
        Path video = SharedData.file("videos/d11.mp4");
        long videosBefore = EventLog.read(kafka(), serde(), Topics.VIDEOS, VideoDecoded.class, v -> true).size();

        assertRefused(Cli.run("eval", "--video", dir.resolve("absent.mp4").toString(), "--reference", portrait.toString()),
                "no such video file: " + dir.resolve("absent.mp4"));
        assertRefused(Cli.run("eval", "--video", notes.toString(), "--reference", portrait.toString()),
                notes + " is not a video file that can be scored");
        assertRefused(Cli.run("eval", "--video", video.toString(), "--reference", video.toString()),
                "cannot use " + video + " as the reference: the reference is not a JPEG, PNG or WebP image");
        assertRefused(Cli.run("eval", "--video", video.toString()), "eval needs --video FILE and --reference IMAGE");
        Path set = Files.writeString(dir.resolve("bad-set.csv"), "reference,prompt,video\n" + portrait + ",a person," + notes + "\n"
                + portrait + ",a person,\n");
        assertRefused(Cli.run("eval", "--eval-set-file", set.toString()), "line 2: " + notes + " is not a video file",
                "line 3: no video to score");

        assertThat(EventLog.read(kafka(), serde(), Topics.VIDEOS, VideoDecoded.class, v -> true)).hasSize((int) videosBefore);
    }

    @Test
    void shouldStartAnEmbeddedPipelineWhenNoClusterIsGiven() throws Exception {
        Path video = Clips.head(SharedData.file("videos/d3.mp4"), 24, dir.resolve("d3-head.mp4"));
        Path reference = SharedData.file("portraits/d3_still.jpg");

        Cli run = Cli.run("eval", "--video", video.toString(), "--reference", reference.toString(), "--data-dir", dir.resolve("own").toString());

        assertThat(run.exitCode()).as(run.printed()).isZero();
        assertThat(run.out()).contains("starting embedded Kafka", "d3-head.mp4 vs d3_still.jpg", "evaluator idstream-face@", "RS 0.");
    }

    private static void assertRefused(Cli run, String... messages) {
        assertThat(run.exitCode()).as(run.printed()).isEqualTo(1);
        assertThat(run.err()).as(run.printed()).contains(messages);
        assertThat(run.out()).doesNotContain("published");
    }

    private static List<VideoMetrics> metricsOf(String evalSet) throws Exception {
        return EventLog.read(kafka(), serde(), Topics.METRICS, VideoMetrics.class, m -> evalSet.equals(m.getEvalSetId()));
    }

    static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static Map<String, Object> kafka() {
        return pipeline.config().kafka().clientConfig();
    }

    private static ConfluentEventSerde serde() {
        return new ConfluentEventSerde(pipeline.config().registry());
    }
}
