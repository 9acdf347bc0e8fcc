package dev.idstream.core.tensor;

/** The bytes are not a valid safetensors file; the message says what is wrong, for a person. */
public class SafetensorsFormatException extends IllegalArgumentException {

    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
