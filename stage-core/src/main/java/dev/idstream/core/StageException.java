package dev.idstream.core;

import dev.idstream.events.FailureReason;

/**
 * The two kinds of failure the runtime treats differently: bad input fails the request at once
 * (one {@code StageFailed}, no retry); a transient fault is retried with backoff, then fails the request.
 * Any other exception is treated as {@link FailureReason#INTERNAL} and not retried.
 */
public abstract sealed class StageException extends Exception {

    private final FailureReason reason;

    protected StageException(FailureReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public FailureReason reason() {
        return reason;
    }

    /** The request itself is wrong; the message is for a person ("image is 14000×9000, the limit is 4096×4096"). */
    public static final class BadInput extends StageException {
        public BadInput(FailureReason reason, String message) {
            super(reason, message, null);
        }

        public BadInput(FailureReason reason, String message, Throwable cause) {
            super(reason, message, cause);
        }
    }

    /** A fault outside the request (S3 or broker unavailable, timeout) that may go away on retry. */
    public static final class Transient extends StageException {
        public Transient(String message, Throwable cause) {
            super(FailureReason.TRANSIENT_RETRIES_EXHAUSTED, message, cause);
        }
    }
}
