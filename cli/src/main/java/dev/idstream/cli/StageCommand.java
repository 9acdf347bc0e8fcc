package dev.idstream.cli;

import dev.idstream.aggregates.AggregatesApp;
import dev.idstream.aggregates.AggregatesSettings;
import dev.idstream.core.Stage;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.runtime.StageRunner;
import dev.idstream.core.serde.ConfluentEventSerde;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Runs one stage as a long-lived consumer-group member against external Kafka, registry and S3; or the aggregates
 * application (Kafka Streams: request status table and metrics summaries).
 */
@Command(name = "stage", mixinStandardHelpOptions = true, description = "Run one stage (detect, features, denoise, decode, metrics) or the aggregates application until SIGTERM.")
final class StageCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "detect | features | denoise | decode | metrics | aggregates")
    String name;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        StageConfig config = connection.load();
        if (name.equals(EmbeddedPipeline.AGGREGATES)) {
            return runAggregates(config);
        }
        Stage<?, ?> stage = StageCatalog.create(name, config);
        try (S3ArtifactStore artifacts = S3ArtifactStore.open(config.s3())) {
            StageRunner<?, ?> runner = start(stage, config, artifacts);
            Runtime.getRuntime().addShutdownHook(new Thread(runner::close, "idstream-" + name + "-shutdown"));
            runner.awaitTermination(Duration.ofDays(3650));
            return runner.failure().isPresent() ? 1 : 0;
        } finally {
            stage.close();
        }
    }

    /** Until SIGTERM, or until Kafka Streams stops for good (exit 1, so that a supervisor restarts it). */
    private int runAggregates(StageConfig config) throws Exception {
        AggregatesApp app = AggregatesApp.start(config, AggregatesSettings.load(connection.configFile, System.getenv()));
        Thread shutdown = new Thread(app::close, "idstream-aggregates-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        app.awaitTermination(Duration.ofDays(3650));
        return app.state() == KafkaStreams.State.NOT_RUNNING ? 0 : 1;
    }

    private static <I extends SpecificRecord, O extends SpecificRecord> StageRunner<I, O> start(
            Stage<I, O> stage, StageConfig config, S3ArtifactStore artifacts) {
        return new StageRunner<>(stage, config, new ConfluentEventSerde(config.registry()), artifacts).start();
    }
}
