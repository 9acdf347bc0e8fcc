package dev.idstream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.Topics;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EmbeddedPipelineExtension;
import dev.idstream.core.testing.TransformStage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pipeline fixture created its topics with {@link PipelineTopics}; check what it made. */
@ExtendWith(EmbeddedPipelineExtension.class)
class PipelineTopicsTest {

    @Test
    void shouldHaveCreatedEveryTopicWithCompactionWhereStateIsKeptAndCreateNothingTheSecondTime(EmbeddedPipeline pipeline)
            throws Exception {
        assertThat(PipelineTopics.ensure(pipeline.kafkaSettings(), 3, (short) 1)).isEmpty();

        try (Admin admin = pipeline.kafka().admin()) {
            assertThat(admin.listTopics().names().get()).containsAll(Topics.ALL);
            assertThat(admin.describeTopics(List.of(Topics.REQUESTS)).allTopicNames().get().get(Topics.REQUESTS).partitions())
                    .hasSize(EmbeddedPipeline.PARTITIONS);
            for (String topic : Topics.ALL) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all().get();
                String expected = Topics.COMPACTED.contains(topic) ? "compact" : "delete";
                assertThat(configs.get(resource).get("cleanup.policy").value()).as(topic).isEqualTo(expected);
            }
        }
    }

    @Test
    void shouldStopWithAClearErrorWhenTheInputTopicDoesNotExist(EmbeddedPipeline pipeline) throws Exception {
        TransformStage stage = new TransformStage("missing", "test.missing.in", "test.missing.out");
        try (StageRunner<?, ?> runner = new StageRunner<>(stage, pipeline.stageConfig("m1"), pipeline.serde(), pipeline.artifacts()).start()) {
            assertThat(runner.awaitTermination(Duration.ofSeconds(30))).isTrue();
            assertThat(runner.failure()).get().asString()
                    .contains("input topic test.missing.in of stage missing does not exist");
            assertThat(runner.health().up()).isFalse();
        }
    }
}
