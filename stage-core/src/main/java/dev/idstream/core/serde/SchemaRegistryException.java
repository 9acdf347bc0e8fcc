package dev.idstream.core.serde;

/**
 * The Schema Registry refused a request or could not be reached. Unchecked: callers usually cannot fix it on the spot;
 * the stage runtime treats an unreachable registry ({@link #status()} 0 or 5xx) as a transient fault and retries.
 */
public class SchemaRegistryException extends RuntimeException {

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, int status, int errorCode) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.errorCode = 0;
    }

    /** HTTP status of the registry's answer; 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code} (e.g. 40403 schema not found); 0 when it gave none. */
    public int errorCode() {
        return errorCode;
    }

    /** True when retrying later may succeed: no answer, or a server-side error. */
    public boolean isTransient() {
        return status == 0 || status >= 500;
    }
}
