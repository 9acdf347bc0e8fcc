package dev.idstream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.Topics;
import dev.idstream.core.testing.CommittedReader;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EmbeddedPipelineExtension;
import dev.idstream.core.testing.StageProcessMain;
import dev.idstream.embedded.ParentWatchingLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage runs in a child JVM that is killed outright ({@code kill -9}) in the middle of a step, then started again:
 * a read_committed consumer must see exactly one output per input, none lost.
 */
@ExtendWith(EmbeddedPipelineExtension.class)
class CrashRecoveryTest {

    private static final int REQUESTS = 4;

    @TempDir
    Path logs;

    @Test
    void shouldEmitExactlyOneOutputPerInputWhenTheStageProcessIsKilledMidStepAndRestarted(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                ids.add(h.submit("sleep=1500"));
            }
            Process first = startStageProcess(pipeline, h, "first");
            String victim = ids.get(1);
            try (CommittedReader reader = h.reader()) {
                // The first request is committed and the second is mid-step: kill -9 now.
                reader.await(r -> ids.contains(r.key()), seen -> seen.stream().anyMatch(r -> r.topic().equals(h.outputTopic))
                        && seen.stream().anyMatch(r -> r.key().equals(victim) && r.topic().equals(Topics.PROGRESS)),
                        Duration.ofSeconds(90), Duration.ZERO);
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
                assertThat(progressOf(pipeline, victim)).as("the killed step ran again from the start").isGreaterThan(10);
            } finally {
                second.destroy(); // SIGTERM: graceful stop through the shutdown hook
                assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    private Process startStageProcess(EmbeddedPipeline pipeline, TransformHarness h, String label) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ParentWatchingLauncher.class.getName(), String.valueOf(ProcessHandle.current().pid()),
                StageProcessMain.class.getName(), h.name, h.inputTopic, h.outputTopic);
        // The same instance id across the restart, as a restarted pod keeps its name.
        builder.environment().putAll(pipeline.stageEnvironment("crash-1"));
        Path log = logs.resolve(label + ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        Files.writeString(logs.resolve(label + ".pid"), String.valueOf(process.pid()));
        return process;
    }

    private static long progressOf(EmbeddedPipeline pipeline, String id) {
        try (CommittedReader reader = new CommittedReader(pipeline, Topics.PROGRESS)) {
            List<ConsumerRecord<String, byte[]>> progress = reader.await(r -> id.equals(r.key()), l -> true,
                    Duration.ofSeconds(10), Duration.ofSeconds(1));
            return progress.size();
        }
    }
}
