package dev.idstream.cli;

import dev.idstream.core.Stage;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.runtime.StageRunner;
import dev.idstream.core.serde.ConfluentEventSerde;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Runs one stage as a long-lived consumer-group member against external Kafka, registry and S3. */
@Command(name = "stage", description = "Run one stage (detect, features, denoise, decode, metrics) until SIGTERM.")
final class StageCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "detect | features | denoise | decode | metrics")
    String name;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        StageConfig config = connection.load();
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

    private static <I extends SpecificRecord, O extends SpecificRecord> StageRunner<I, O> start(
            Stage<I, O> stage, StageConfig config, S3ArtifactStore artifacts) {
        return new StageRunner<>(stage, config, new ConfluentEventSerde(config.registry()), artifacts).start();
    }
}
