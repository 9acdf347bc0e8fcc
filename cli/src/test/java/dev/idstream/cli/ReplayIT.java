package dev.idstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.cli.eval.EventPublisher;
import dev.idstream.cli.eval.ExternalVideoPublisher;
import dev.idstream.cli.eval.ReplayIds;
import dev.idstream.cli.eval.VideoFile;
import dev.idstream.core.InputLimits;
import dev.idstream.core.Topics;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./idstream replay} against the embedded infrastructure: what each mode publishes, checked on the topics. No
 * generation stage runs (the requests are only published); the re-scoring test starts a second evaluator's metrics
 * deployment, which differs for real: its own bundle name and 8 sampled frames instead of 16.
 */
class ReplayIT {

    @TempDir
    static Path dir;

    static EmbeddedPipeline pipeline;
    static Path connection;
    static ConfluentEventSerde serde;
    static S3ArtifactStore artifacts;
    static RequestClient client;

    @BeforeAll
    static void startInfrastructureOnly() throws Exception {
        pipeline = EmbeddedPipeline.start(dir.resolve("pipeline"), List.of(), Map.of());
        connection = pipeline.writeConnectionProperties(dir.resolve("connection.properties"));
        serde = new ConfluentEventSerde(pipeline.config().registry());
        artifacts = S3ArtifactStore.open(pipeline.config().s3());
        client = new RequestClient(kafka(), serde, artifacts);
    }

    @AfterAll
    static void stop() {
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
    void shouldPublishOneRequestPerRowWithTheSetAndModelVersionWhenAnEvalSetIsReplayed() throws Exception {
        Path portraits = SharedData.file("portraits/d9.jpg").toAbsolutePath().getParent();
        Path clip = SharedData.file("videos/d11.mp4").toAbsolutePath();
        Path set = Files.writeString(dir.resolve("bench-v1.csv"), "reference,prompt,reference_video,label\n"
                + portraits.resolve("d9.jpg") + ",a person smiling,,smile\n"
                + portraits.resolve("grace_hopper.jpg") + ",\"a person turning, then nodding\"," + clip + ",turn\n");

        Cli run = Cli.run("replay", "--eval-set-file", set.toString(), "--model-version", "tiny-v2", "--run-id", "run-1",
                "--config", connection.toString());

        assertThat(run.exitCode()).as(run.printed()).isZero();
        assertThat(run.out()).contains("published 2 requests of evaluation set bench-v1 with model version tiny-v2 (run run-1)");
        List<GenerationRequested> requests = requests(r -> "bench-v1".equals(r.getParams().getEvalSetId()));
        assertThat(requests).hasSize(2);
        GenerationRequested smile = requests.stream().filter(r -> "smile".equals(r.getParams().getLabel())).findFirst().orElseThrow();
        GenerationRequested turn = requests.stream().filter(r -> "turn".equals(r.getParams().getLabel())).findFirst().orElseThrow();
        assertThat(smile.getRequestId()).isEqualTo(new ReplayIds("run-1").requestId("bench-v1/line-2"));
        assertThat(smile.getParams().getPrompt()).isEqualTo("a person smiling");
        assertThat(smile.getParams().getModelVersion()).isEqualTo("tiny-v2");
        assertThat(smile.getReference().getSha256()).isEqualTo(EvalCommandIT.sha256(portraits.resolve("d9.jpg")));
        assertThat(smile.getReferenceVideo()).isNull();
        assertThat(turn.getParams().getPrompt()).isEqualTo("a person turning, then nodding");
        assertThat(turn.getReference().getSha256()).isEqualTo(EvalCommandIT.sha256(portraits.resolve("grace_hopper.jpg")));
        assertThat(turn.getReferenceVideo().getSha256()).isEqualTo(EvalCommandIT.sha256(clip));
        assertThat(artifacts.get(turn.getReference())).isEqualTo(Files.readAllBytes(portraits.resolve("grace_hopper.jpg")));
    }

    @Test
    void shouldRefuseABadEvalSetWithEveryBadRowAndPublishNothing() throws Exception {
        Path set = Files.writeString(dir.resolve("broken.csv"), "reference,prompt\n"
                + SharedData.file("portraits/d9.jpg").toAbsolutePath() + ",\n"
                + dir.resolve("nobody.jpg") + ",a person\n");
        long before = requests(r -> true).size();

        Cli run = Cli.run("replay", "--eval-set-file", set.toString(), "--model-version", "v", "--config", connection.toString());

        assertThat(run.exitCode()).as(run.printed()).isEqualTo(1);
        assertThat(run.err()).contains("evaluation set " + set + " has 2 problems", "line 2: the prompt is empty",
                "line 3: the reference file " + dir.resolve("nobody.jpg") + " does not exist");
        assertThat(requests(r -> true)).hasSize((int) before);
    }

    @Test
    void shouldRefuseOptionsThatDoNotApplyToTheChosenMode() {
        String config = connection.toString();
        Cli fileWithTimes = Cli.run("replay", "--eval-set-file", dir.resolve("any.csv").toString(), "--from", "0", "--to", "1",
                "--model-version", "v", "--config", config);
        Cli topicWithSet = Cli.run("replay", "--topic", Topics.REQUESTS, "--eval-set", "s", "--from", "0", "--to", "1",
                "--model-version", "v", "--config", config);
        Cli videosWithRunId = Cli.run("replay", "--videos", "--evaluator", "face-s8", "--run-id", "r", "--config", config);

        assertThat(fileWithTimes.exitCode()).isNotZero();
        assertThat(fileWithTimes.err()).contains("--from/--to go with --topic or --videos");
        assertThat(topicWithSet.exitCode()).isNotZero();
        assertThat(topicWithSet.err()).contains("--eval-set goes with --eval-set-file or --videos");
        assertThat(videosWithRunId.exitCode()).isNotZero();
        assertThat(videosWithRunId.err()).contains("--model-version, --run-id and --follow do not apply");
    }

    @Test
    void shouldRepublishThePastRequestsOfATimeRangeWithNewIdsAndModelVersion() throws Exception {
        ArtifactRef reference = client.upload(UUID.randomUUID().toString(), SharedData.file("portraits/d9.jpg"));
        String tag = "window-" + UUID.randomUUID();
        publishRequest(reference, tag, "before");
        Thread.sleep(50);
        Instant from = Instant.now();
        String inside1 = publishRequest(reference, tag, "inside-1");
        String inside2 = publishRequest(reference, tag, "inside-2");
        Thread.sleep(50);
        Instant to = Instant.now();
        Thread.sleep(50);
        publishRequest(reference, tag, "after");

        Cli run = Cli.run("replay", "--topic", Topics.REQUESTS, "--from", from.toString(), "--to", to.toString(),
                "--model-version", "tiny-v3", "--run-id", "window-run", "--config", connection.toString());

        assertThat(run.exitCode()).as(run.printed()).isZero();
        assertThat(run.out()).contains("found 2 requests on " + Topics.REQUESTS, "re-published 2 with model version tiny-v3");
        List<GenerationRequested> mine = requests(r -> tag.equals(r.getParams().getEvalSetId()));
        assertThat(mine).hasSize(6);
        List<GenerationRequested> replayed = mine.stream().filter(r -> "tiny-v3".equals(r.getParams().getModelVersion())).toList();
        assertThat(replayed).extracting(r -> r.getParams().getLabel()).containsExactlyInAnyOrder("inside-1", "inside-2");
        ReplayIds ids = new ReplayIds("window-run");
        assertThat(replayed).extracting(GenerationRequested::getRequestId)
                .containsExactlyInAnyOrder(ids.requestId(inside1), ids.requestId(inside2));
        assertThat(replayed).allSatisfy(r -> {
            assertThat(r.getReference()).isEqualTo(reference);
            assertThat(r.getParams().getPrompt()).isEqualTo("the same prompt");
            assertThat(r.getParams().getSeed()).isEqualTo(7);
        });

        Cli backwards = Cli.run("replay", "--topic", Topics.REQUESTS, "--from", to.toString(), "--to", from.toString(),
                "--model-version", "v", "--config", connection.toString());
        assertThat(backwards.err()).contains("must be before --to");
        Cli noTime = Cli.run("replay", "--topic", Topics.REQUESTS, "--from", "yesterday", "--to", to.toString(),
                "--model-version", "v", "--config", connection.toString());
        assertThat(noTime.err()).contains("--from 'yesterday' is not a time");
    }

    @Test
    void shouldReScoreTheSelectedVideosWithAnotherEvaluatorWhenReplayedToItsTopic() throws Exception {
        Path clip = Clips.head(SharedData.file("videos/d3.mp4"), 24, dir.resolve("d3-head.mp4"));
        Path reference = SharedData.file("portraits/d3_still.jpg");
        VideoFile video = VideoFile.probe(clip, InputLimits.defaults());
        String chosen = RequestClient.newRequestId();
        try (EventPublisher publisher = new EventPublisher(kafka(), serde)) {
            ExternalVideoPublisher external = new ExternalVideoPublisher(artifacts, publisher);
            external.publish(chosen, video, reference, new ExternalVideoPublisher.Labels("m1", "rescore-set", "chosen", null));
            external.publish(RequestClient.newRequestId(), video, reference, new ExternalVideoPublisher.Labels("m1", "another-set", null, null));
        }

        Cli run = Cli.run("replay", "--videos", "--evaluator", "face-s8", "--eval-set", "rescore-set", "--config", connection.toString());

        assertThat(run.exitCode()).as(run.printed()).isZero();
        assertThat(run.out()).contains("found 1 videos on " + Topics.VIDEOS, "re-published 1 to idstream.videos.face-s8.v1");
        assertThat(EventLog.read(kafka(), serde, "idstream.videos.face-s8.v1", VideoDecoded.class, v -> true))
                .extracting(VideoDecoded::getRequestId).containsExactly(chosen);

        pipeline.startStage("metrics", Map.of("metrics.evaluator", "face-s8", "metrics.sampled.frames", "8",
                "models.face.bundle", secondFaceBundle().toString()));
        VideoMetrics rescored = awaitMetrics(chosen, Duration.ofMinutes(5));
        assertThat(rescored.getEvaluator()).isEqualTo("idstream-face-s8@1.0.0");
        assertThat(rescored.getFramesSampled()).isEqualTo(8);
        assertThat(rescored.getSettings().get("frameSampling")).contains("linspace(0, F-1, 8)");
        assertThat(rescored.getOrigin()).isEqualTo(VideoOrigin.EXTERNAL);
        assertThat(rescored.getEvalSetId()).isEqualTo("rescore-set");
        assertThat(rescored.getFramesScored()).isEqualTo(8);
        assertThat(rescored.getRs()).isNotNull();
        assertThat(rescored.getPerFrame().getUri()).contains("/requests/" + chosen + "/metrics-face-s8/");
    }

    /** The face bundle under another name: a different evaluator for the scores, the same verified model files. */
    private static Path secondFaceBundle() throws Exception {
        Path source = dev.idstream.core.config.FaceSettings.defaultBundle();
        Path copy = Files.createDirectories(dir.resolve("face-bundle-s8"));
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path manifest = copy.resolve("bundle.json");
        String json = Files.readString(manifest);
        assertThat(json).contains("\"name\": \"idstream-face\"");
        Files.writeString(manifest, json.replace("\"name\": \"idstream-face\"", "\"name\": \"idstream-face-s8\""));
        return copy;
    }

    private static VideoMetrics awaitMetrics(String requestId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<VideoMetrics> found = EventLog.read(kafka(), serde, Topics.METRICS, VideoMetrics.class, m -> requestId.equals(m.getRequestId()));
            if (!found.isEmpty()) {
                assertThat(found).hasSize(1);
                return found.get(0);
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no VideoMetrics for " + requestId + " within " + timeout);
    }

    private static String publishRequest(ArtifactRef reference, String evalSet, String label) throws Exception {
        String id = RequestClient.newRequestId();
        client.publish(client.request(id, reference, GenerationParams.newBuilder().setPrompt("the same prompt").setSeed(7)
                .setModelVersion("tiny").setEvalSetId(evalSet).setLabel(label).build()));
        return id;
    }

    private static List<GenerationRequested> requests(java.util.function.Predicate<GenerationRequested> filter) throws Exception {
        return EventLog.read(kafka(), serde, Topics.REQUESTS, GenerationRequested.class, filter);
    }

    private static Map<String, Object> kafka() {
        return pipeline.config().kafka().clientConfig();
    }
}
