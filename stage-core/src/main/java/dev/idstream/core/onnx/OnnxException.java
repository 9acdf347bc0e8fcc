package dev.idstream.core.onnx;

/** ONNX Runtime refused a model or a run; the message says which model and what was asked of it. */
public class OnnxException extends RuntimeException {

    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }

    public OnnxException(String message) {
        super(message);
    }
}
