package dev.idstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.cli.EmbeddedPipeline;
import dev.idstream.cli.SharedData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The throughput benchmark's moving parts on the real embedded pipeline: a second denoise replica joins the consumer
 * group, both replicas own partitions and both process requests of a burst; scaling back leaves one owning them all.
 */
class StageReplicasIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldShareRequestsBetweenTwoDenoiseReplicasWhenScaledToTwo() throws Exception {
        Path portrait = SharedData.file("portraits/d9.jpg");
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(dataDir, EmbeddedPipeline.everything(), Map.of());
                Burst burst = new Burst(pipeline, portrait)) {
            StageReplicas replicas = new StageReplicas(pipeline, List.of("denoise"));
            replicas.scaleTo(2);
            assertThat(replicas.instances("denoise")).containsExactly("denoise", "denoise#2");
            int first = pipeline.runner("denoise").health().assignedPartitions();
            int second = pipeline.runner("denoise#2").health().assignedPartitions();
            assertThat(first).isPositive();
            assertThat(second).isPositive();
            assertThat(first + second).isEqualTo(EmbeddedPipeline.PARTITIONS);

            // one request per partition: each replica gets those of the partitions it owns
            Burst.Result result = burst.run(EmbeddedPipeline.PARTITIONS, List.of("denoise"), replicas);
            assertThat(result.processedByInstance()).containsOnlyKeys("denoise", "denoise#2");
            assertThat(result.processedByInstance().get("denoise")).isEqualTo(first);
            assertThat(result.processedByInstance().get("denoise#2")).isEqualTo(second);
            assertThat(result.requestsPerSecond()).isPositive();

            replicas.scaleTo(1);
            assertThat(pipeline.runner("denoise").health().assignedPartitions()).isEqualTo(EmbeddedPipeline.PARTITIONS);
            assertThatThrownBy(() -> pipeline.runner("denoise#2")).hasMessageContaining("no stage denoise#2 is running");
        }
    }

    @Test
    void shouldSpreadRequestIdsEvenlyOverThePartitions() {
        List<String> ids = Burst.requestIds(3 * EmbeddedPipeline.PARTITIONS);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(Burst.partitionOf(ids.get(i))).isEqualTo(i % EmbeddedPipeline.PARTITIONS);
        }
        assertThat(ids).doesNotHaveDuplicates();
    }
}
