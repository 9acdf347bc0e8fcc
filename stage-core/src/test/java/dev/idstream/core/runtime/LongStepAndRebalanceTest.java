package dev.idstream.core.runtime;

import static dev.idstream.core.runtime.StageRunnerTest.scrape;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.config.StageConfig;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EmbeddedPipelineExtension;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Steps longer than the consumer's poll interval, rebalances and fencing while a step is in flight. */
@ExtendWith(EmbeddedPipelineExtension.class)
class LongStepAndRebalanceTest {

    @Test
    void shouldStayInTheGroupAndProcessOnceWhenTheStepOutlastsMaxPollInterval(EmbeddedPipeline pipeline) throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            StageConfig config = h.config("i1").withKafka(pipeline.kafkaSettings().withOverride("max.poll.interval.ms", "1500"));
            StageRunner<?, ?> runner = h.start(config);
            String id = h.submit("sleep=5000");

            TransformHarness.Results results = h.awaitSettled(List.of(id));

            assertThat(results.outputsFor(id)).hasSize(1);
            assertThat(h.stage.invocations(id)).as("processed once, not redelivered after an eviction").isEqualTo(1);
            assertThat(scrape(runner))
                    .contains("idstream_stage_abandoned_total{stage=\"" + h.name + "\"} 0.0")
                    .contains("idstream_stage_transaction_aborts_total{stage=\"" + h.name + "\"} 0.0");
        }
    }

    /** Eager (range) assignment revokes every partition on a rebalance, so the in-flight partition is revoked for sure. */
    @Test
    void shouldNotCommitTheInFlightResultWhenItsPartitionIsRevokedAndStillProduceExactlyOneOutput(EmbeddedPipeline pipeline)
            throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 2)) {
            StageConfig eager = h.config("a").withKafka(pipeline.kafkaSettings()
                    .withOverride("partition.assignment.strategy", RangeAssignor.class.getName())
                    // The member in its step learns of the rebalance from a heartbeat: make that quick.
                    .withOverride("heartbeat.interval.ms", "300"));
            StageRunner<?, ?> first = h.start(eager);
            String id = h.idOnPartition(0, 2);
            h.submit(id, "sleep=4000", TransformHarness.PARENT_TRACE);
            h.awaitProgress(id);

            h.start(eager.withRuntime(eager.runtime().withInstanceId("b")));
            TransformHarness.Results results = h.awaitSettled(List.of(id));

            assertThat(results.outputsFor(id)).hasSize(1);
            assertThat(scrape(first)).contains("idstream_stage_abandoned_total{stage=\"" + h.name + "\"} 1.0");
            assertThat(h.stage.invocations(id)).as("redone by the partition's owner after the rebalance").isEqualTo(2);
        }
    }

    @Test
    void shouldReplaceAFencedProducerAndCommitOnceWhenAnotherProducerTakesItsTransactionalId(EmbeddedPipeline pipeline)
            throws Exception {
        try (TransformHarness h = new TransformHarness(pipeline, 1)) {
            StageRunner<?, ?> runner = h.start(h.config("f1"));
            String id = h.submit("sleep=2000");
            h.awaitProgress(id);

            try (KafkaProducer<String, byte[]> zombie = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "idstream-" + h.name + "-f1"), new StringSerializer(), new ByteArraySerializer())) {
                zombie.initTransactions(); // bumps the epoch: the runner's producer is now fenced
            }
            TransformHarness.Results results = h.awaitSettled(List.of(id));

            assertThat(results.outputsFor(id)).hasSize(1);
            assertThat(h.stage.invocations(id)).isEqualTo(1);
            assertThat(scrape(runner)).contains("idstream_stage_transaction_aborts_total{stage=\"" + h.name + "\"} 1.0");
        }
    }
}
