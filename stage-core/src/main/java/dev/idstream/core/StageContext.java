package dev.idstream.core;

import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.artifacts.ArtifactStore;

/** What a stage may use while processing one request. Narrow on purpose: no Kafka, no config maps. */
public interface StageContext {

    String requestId();

    /** W3C traceparent of this stage's span (same trace id as the input, new span id). */
    String traceparent();

    ArtifactStore artifacts();

    /** Deterministic key {@code requests/<requestId>/<stage>/<name>} for an artifact this stage writes. */
    ArtifactKey key(String name);

    InputLimits limits();

    /** Publishes a {@code StageProgress} event at once (outside the transaction, so followers see it live). */
    void progress(int step, int totalSteps, String message);

    /** True when the runtime wants the step to stop early (shutdown or cancellation); the input is then redelivered. */
    boolean cancelled();
}
