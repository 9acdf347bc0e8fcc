package dev.idstream.core.serde;

/** A record that cannot be read as the expected event; the runtime turns it into {@code StageFailed(UNREADABLE_EVENT)}. */
public class UnreadableEventException extends Exception {
    public UnreadableEventException(String message) {
        super(message);
    }

    public UnreadableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
