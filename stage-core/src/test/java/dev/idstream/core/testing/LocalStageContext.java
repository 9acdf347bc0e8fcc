package dev.idstream.core.testing;

import dev.idstream.core.InputLimits;
import dev.idstream.core.StageContext;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.artifacts.ArtifactStore;
import dev.idstream.core.artifacts.EmbeddedS3Settings;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.StageException;
import dev.idstream.embedded.EmbeddedS3;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@link StageContext} without Kafka: artifacts in an embedded S3 server (S3Proxy on loopback), default
 * input limits, progress recorded in memory. For calling a stage's {@code process} directly in tests.
 */
public final class LocalStageContext implements AutoCloseable {

    private final EmbeddedS3 s3;
    private final S3ArtifactStore artifacts;

    private LocalStageContext(EmbeddedS3 s3, S3ArtifactStore artifacts) {
        this.s3 = s3;
        this.artifacts = artifacts;
    }

    public static LocalStageContext start(Path dir) throws StageException {
        EmbeddedS3 s3 = EmbeddedS3.start(dir);
        try {
            return new LocalStageContext(s3, S3ArtifactStore.open(EmbeddedS3Settings.of(s3, "idstream")));
        } catch (StageException | RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    public ArtifactStore artifacts() {
        return artifacts;
    }

    /** A context for one request processed by {@code stage}. */
    public Request request(String requestId, String stage) {
        return new Request(requestId, stage);
    }

    public final class Request implements StageContext {
        private final String requestId;
        private final String stage;
        private final List<String> progress = new ArrayList<>();

        private Request(String requestId, String stage) {
            this.requestId = requestId;
            this.stage = stage;
        }

        @Override
        public String requestId() {
            return requestId;
        }

        @Override
        public String traceparent() {
            return "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        }

        @Override
        public ArtifactStore artifacts() {
            return artifacts;
        }

        @Override
        public ArtifactKey key(String name) {
            return new ArtifactKey(requestId, stage, name);
        }

        @Override
        public InputLimits limits() {
            return InputLimits.defaults();
        }

        @Override
        public void progress(int step, int totalSteps, String message) {
            progress.add(step + "/" + totalSteps + " " + message);
        }

        @Override
        public boolean cancelled() {
            return false;
        }

        public List<String> progress() {
            return progress;
        }
    }

    @Override
    public void close() {
        artifacts.close();
        s3.close();
    }
}
