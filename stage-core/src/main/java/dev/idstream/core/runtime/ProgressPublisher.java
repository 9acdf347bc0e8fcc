package dev.idstream.core.runtime;

import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code StageProgress} at once through an idempotent producer outside the stage's transaction, so
 * followers see progress live. Consequence: when a step is redone (after a crash or rebalance) its progress events
 * repeat; followers should treat progress as "latest step seen", not as a count. Best effort: a failure to publish
 * progress is logged and never fails the step.
 */
final class ProgressPublisher {

    private static final Logger log = LoggerFactory.getLogger(ProgressPublisher.class);

    private final Producer<String, byte[]> producer;
    private final StageEvents events;

    ProgressPublisher(Producer<String, byte[]> producer, StageEvents events) {
        this.producer = producer;
        this.events = events;
    }

    void publish(String requestId, String traceparent, int step, int totalSteps, String message) {
        try {
            producer.send(events.progress(requestId, traceparent, step, totalSteps, message), (metadata, error) -> {
                if (error != null) {
                    log.warn("progress {}/{} of request {} was not published: {}", step, totalSteps, requestId, error.toString());
                }
            });
        } catch (RuntimeException e) {
            log.warn("progress {}/{} of request {} was not published: {}", step, totalSteps, requestId, e.toString());
        }
    }
}
