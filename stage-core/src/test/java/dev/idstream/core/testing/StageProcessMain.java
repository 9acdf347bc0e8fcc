package dev.idstream.core.testing;

import dev.idstream.core.Stage;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.runtime.StageRunner;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.GenerationRequested;

/**
 * A stage process as production runs one (configured from {@code IDSTREAM_*} environment variables, SIGTERM = graceful
 * stop), running {@link TransformStage}; used by tests that kill and restart a stage.
 * Arguments: stage name, input topic, output topic, and optionally {@code batching} to run
 * {@link BatchingTransformStage} instead.
 */
public final class StageProcessMain {

    public static void main(String[] args) throws Exception {
        StageConfig config = StageConfig.load(null, System.getenv());
        TransformStage single = new TransformStage(args[0], args[1], args[2]);
        Stage<GenerationRequested, FaceDetected> stage =
                args.length > 3 && args[3].equals("batching") ? new BatchingTransformStage(single) : single;
        try (S3ArtifactStore artifacts = S3ArtifactStore.open(config.s3())) {
            StageRunner<GenerationRequested, FaceDetected> runner =
                    new StageRunner<>(stage, config, new ConfluentEventSerde(config.registry()), artifacts).start();
            Runtime.getRuntime().addShutdownHook(new Thread(runner::close, "stage-shutdown"));
            runner.awaitTermination();
        }
    }

    private StageProcessMain() {}
}
