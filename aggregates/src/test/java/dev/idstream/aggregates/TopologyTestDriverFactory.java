package dev.idstream.aggregates;

import dev.idstream.core.testing.EmbeddedPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.TopologyTestDriver;

/** The application's topology and Streams settings in a {@code TopologyTestDriver}, on the real registry and S3. */
final class TopologyTestDriverFactory {

    private TopologyTestDriverFactory() {}

    static TopologyTestDriver create(EmbeddedPipeline pipeline, Path stateDir, Duration setFidInterval) {
        AggregatesSettings settings = AggregatesSettings.defaults().withStateDir(stateDir).withSetFidInterval(setFidInterval);
        return new TopologyTestDriver(
                AggregatesTopology.build(pipeline.serde(), new FeatureStatsStore(pipeline.artifacts()), setFidInterval),
                AggregatesApp.streamsConfig(pipeline.stageConfig("aggregates-test"), settings), Instant.ofEpochMilli(0));
    }
}
