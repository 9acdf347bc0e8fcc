package dev.idstream.core.runtime;

/** Set by the loop, read by the step's thread: the in-flight step should stop (shutdown, or its partition was revoked). */
final class Cancellation {

    private volatile String reason;

    void cancel(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    boolean isCancelled() {
        return reason != null;
    }

    String reason() {
        return reason;
    }
}
