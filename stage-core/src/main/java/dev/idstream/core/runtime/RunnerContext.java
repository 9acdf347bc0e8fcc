package dev.idstream.core.runtime;

import dev.idstream.core.InputLimits;
import dev.idstream.core.StageContext;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.artifacts.ArtifactStore;

/** The {@link StageContext} of one input record. */
final class RunnerContext implements StageContext {

    private final String stage;
    private final String requestId;
    private final TraceContext trace;
    private final ArtifactStore artifacts;
    private final InputLimits limits;
    private final ProgressPublisher progress;
    private final Cancellation cancellation;

    RunnerContext(String stage, String requestId, TraceContext trace, ArtifactStore artifacts, InputLimits limits,
                  ProgressPublisher progress, Cancellation cancellation) {
        this.stage = stage;
        this.requestId = requestId;
        this.trace = trace;
        this.artifacts = artifacts;
        this.limits = limits;
        this.progress = progress;
        this.cancellation = cancellation;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public String traceparent() {
        return trace.traceparent();
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
        return limits;
    }

    @Override
    public void progress(int step, int totalSteps, String message) {
        progress.publish(requestId, trace.traceparent(), step, totalSteps, message);
    }

    @Override
    public boolean cancelled() {
        return cancellation.isCancelled();
    }
}
