package dev.idstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.Topics;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.StageProgress;
import dev.idstream.events.TokensFused;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage process killed with SIGKILL in the middle of a request, then restarted: the request is neither lost nor
 * duplicated (a read_committed consumer sees exactly one event per topic), and the step was really redone.
 */
class StageCrashIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldNeitherLoseNorDuplicateWhenAStageProcessIsKilledMidRequest() throws Exception {
        Path portrait = SharedData.file("portraits/d9.jpg");
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(dataDir, List.of("detect", "features", "decode", "metrics"), Map.of())) {
            StageConfig config = pipeline.config();
            ConfluentEventSerde serde = new ConfluentEventSerde(config.registry());
            try (S3ArtifactStore artifacts = S3ArtifactStore.open(config.s3());
                    RequestClient client = new RequestClient(config.kafka().clientConfig(), serde, artifacts);
                    RequestClient.Follower follower = client.follower()) {
                Process denoise = startStageProcess("denoise", pipeline);
                String id = RequestClient.newRequestId();
                // Enough DiT steps that the denoise step is still running after its first progress event.
                GenerationParams params = GenerationParams.newBuilder().setPrompt("crash test").setSteps(500).build();
                client.publish(client.request(id, client.upload(id, portrait), params));

                awaitProgress(config, serde, id, Duration.ofMinutes(2));
                denoise.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                assertThat(count(config, serde, Topics.LATENTS, LatentsDenoised.class, id))
                        .as("the kill must land before the denoise transaction commits").isZero();

                Process restarted = startStageProcess("denoise", pipeline);
                try {
                    RequestClient.Outcome outcome = follower.await(id, Duration.ofMinutes(4), new ProgressPrinter(System.out, false));
                    assertThat(outcome.succeeded()).as("outcome %s", outcome).isTrue();
                } finally {
                    restarted.destroy();
                    restarted.waitFor(60, TimeUnit.SECONDS);
                }
                assertThat(count(config, serde, Topics.FACES, FaceDetected.class, id)).isEqualTo(1);
                assertThat(count(config, serde, Topics.TOKENS, TokensFused.class, id)).isEqualTo(1);
                assertThat(count(config, serde, Topics.LATENTS, LatentsDenoised.class, id)).isEqualTo(1);
                assertThat(count(config, serde, Topics.VIDEOS, VideoDecoded.class, id)).isEqualTo(1);
                assertThat(count(config, serde, Topics.METRICS, VideoMetrics.class, id)).isEqualTo(1);
                List<StageProgress> firstSteps = EventLog.read(config.kafka().clientConfig(), serde, Topics.PROGRESS, StageProgress.class,
                        p -> p.getRequestId().equals(id) && p.getStep() == 1);
                assertThat(firstSteps).as("the step ran once before the kill and once after the restart").hasSizeGreaterThanOrEqualTo(2);
            }
        }
    }

    /** {@code idstream stage NAME} in a child JVM, joined to the embedded cluster through IDSTREAM_* variables. */
    private static Process startStageProcess(String stage, EmbeddedPipeline pipeline) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "stage", stage);
        builder.environment().putAll(pipeline.connectionEnv());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        CountDownLatch started = new CountDownLatch(1);
        List<String> output = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.contains("stage " + stage + " started")) {
                        started.countDown();
                    }
                }
            } catch (Exception ignored) {
                // the process was killed
            }
        }, "child-" + stage + "-output");
        reader.setDaemon(true);
        reader.start();
        if (!started.await(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            synchronized (output) {
                throw new AssertionError("stage process did not start:\n" + String.join("\n", output));
            }
        }
        return process;
    }

    private static void awaitProgress(StageConfig config, ConfluentEventSerde serde, String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!EventLog.read(config.kafka().clientConfig(), serde, Topics.PROGRESS, StageProgress.class,
                    p -> p.getRequestId().equals(id)).isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no progress event for " + id + " within " + timeout);
    }

    private static <T extends SpecificRecord> long count(StageConfig config, ConfluentEventSerde serde, String topic, Class<T> type, String id)
            throws Exception {
        return EventLog.read(config.kafka().clientConfig(), serde, topic, type,
                e -> id.equals(e.get(e.getSchema().getField("requestId").pos()))).size();
    }
}
