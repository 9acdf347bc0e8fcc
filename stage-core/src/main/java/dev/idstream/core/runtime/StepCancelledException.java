package dev.idstream.core.runtime;

/** The step stopped because the runtime cancelled it; its input is redelivered, not failed. */
final class StepCancelledException extends Exception {
    StepCancelledException(String reason) {
        super("step cancelled: " + reason);
    }
}
