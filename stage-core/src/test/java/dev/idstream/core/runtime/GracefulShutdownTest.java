package dev.idstream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.config.StageConfig;
import dev.idstream.core.testing.CommittedReader;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EmbeddedPipelineExtension;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link StageRunner#close()} (what SIGTERM calls) while a step is in flight. */
@ExtendWith(EmbeddedPipelineExtension.class)
class GracefulShutdownTest {

    @Test
    void shouldCommitTheInFlightStepWhenItFinishesWithinTheGrace(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            StageRunner<?, ?> runner = h.start();
            String id = h.submit("sleep=1500 ignorecancel");
            h.awaitProgress(id);

            runner.close();

            assertThat(runner.awaitTermination(Duration.ZERO)).isTrue();
            TransformHarness.Results results = h.awaitSettled(List.of(id));
            assertThat(results.outputsFor(id)).hasSize(1);
            assertThat(h.stage.invocations(id)).isEqualTo(1);
        }
    }

    @Test
    void shouldLeaveACancelledStepUncommittedAndProcessItOnceAfterTheRestart(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            StageRunner<?, ?> runner = h.start();
            String id = h.submit("sleep=3000");
            h.awaitProgress(id);

            long start = System.nanoTime();
            runner.close();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the step stops at its next cancellation check")
                    .isLessThan(Duration.ofMillis(2500));
            assertNoOutputFor(h, id);

            h.start();
            TransformHarness.Results results = h.awaitSettled(List.of(id));
            assertThat(results.outputsFor(id)).hasSize(1);
            assertThat(h.stage.invocations(id)).isEqualTo(2);
        }
    }

    @Test
    void shouldAbandonAStepThatOutlastsTheGraceAndProcessItOnceAfterTheRestart(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            StageConfig shortGrace = h.config("g1").withRuntime(h.config("g1").runtime().withShutdownGrace(Duration.ofMillis(300)));
            StageRunner<?, ?> runner = h.start(shortGrace);
            String id = h.submit("sleep=4000 ignorecancel");
            h.awaitProgress(id);

            long start = System.nanoTime();
            runner.close();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3000));
            assertNoOutputFor(h, id);

            h.start(shortGrace);
            TransformHarness.Results results = h.awaitSettled(List.of(id));
            assertThat(results.outputsFor(id)).hasSize(1);
            assertThat(h.stage.invocations(id)).isEqualTo(2);
        }
    }

    private static void assertNoOutputFor(TransformHarness h, String id) {
        try (CommittedReader reader = new CommittedReader(h.pipeline, h.outputTopic)) {
            List<ConsumerRecord<String, byte[]>> outputs = reader.await(r -> id.equals(r.key()), l -> true,
                    Duration.ofSeconds(5), Duration.ofSeconds(2));
            assertThat(outputs).isEmpty();
        }
    }
}
