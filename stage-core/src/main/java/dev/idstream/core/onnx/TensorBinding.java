package dev.idstream.core.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reusable native tensors over direct buffers for one session at fixed shapes: fill the input
 * buffers, call {@link #run()}, read the output buffers, in the graph's dtypes. Nothing is allocated per run, which is
 * what Java offers in place of IOBinding. Not thread-safe: one binding per worker thread.
 */
public final class TensorBinding implements AutoCloseable {

    private final OnnxSession session;
    private final Map<String, ByteBuffer> buffers = new LinkedHashMap<>();
    private final Map<String, TensorSpec> specs = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();

    TensorBinding(OrtEnvironment env, OnnxSession session, List<TensorSpec> inputSpecs, List<TensorSpec> outputSpecs) {
        this.session = session;
        try {
            for (TensorSpec s : inputSpecs) {
                inputs.put(s.name(), allocate(env, s));
            }
            for (TensorSpec s : outputSpecs) {
                outputs.put(s.name(), allocate(env, s));
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e instanceof RuntimeException r ? r
                    : new OnnxException(session.label() + ": cannot allocate bound tensors: " + e.getMessage(), e);
        }
    }

    private OnnxTensor allocate(OrtEnvironment env, TensorSpec spec) throws OrtException {
        OnnxJavaType type = switch (spec.dtype()) {
            case "float32" -> OnnxJavaType.FLOAT;
            case "float16" -> OnnxJavaType.FLOAT16;
            case "bfloat16" -> OnnxJavaType.BFLOAT16;
            case "int64" -> OnnxJavaType.INT64;
            case "int32" -> OnnxJavaType.INT32;
            case "uint8" -> OnnxJavaType.UINT8;
            default -> throw new IllegalArgumentException(session.label() + ": cannot bind " + spec + " (unsupported dtype)");
        };
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(spec.elementCount() * type.size))
                .order(ByteOrder.nativeOrder());
        buffers.put(spec.name(), buffer);
        specs.put(spec.name(), spec);
        return OnnxTensor.createTensor(env, buffer, spec.shape(), type);
    }

    public TensorSpec spec(String name) {
        TensorSpec s = specs.get(name);
        if (s == null) {
            throw new IllegalArgumentException(session.label() + ": no bound tensor " + name + "; bound: " + specs.keySet());
        }
        return s;
    }

    /** The raw (native-order) buffer of an input or output, positioned at 0. */
    public ByteBuffer bytes(String name) {
        spec(name);
        return buffers.get(name).duplicate().order(ByteOrder.nativeOrder()).clear();
    }

    /** A float32 view of an input or output, positioned at 0. */
    public FloatBuffer floats(String name) {
        requireDtype(name, "float32");
        return bytes(name).asFloatBuffer();
    }

    /** A 16-bit view (float16 or bfloat16 bits, see {@link dev.idstream.core.tensor.HalfFloats}) of an input or output. */
    public ShortBuffer halves(String name) {
        String dtype = spec(name).dtype();
        if (!dtype.equals("float16") && !dtype.equals("bfloat16")) {
            throw new IllegalArgumentException(session.label() + ": " + name + " is " + dtype + ", not float16/bfloat16");
        }
        return bytes(name).asShortBuffer();
    }

    private void requireDtype(String name, String dtype) {
        if (!spec(name).dtype().equals(dtype)) {
            throw new IllegalArgumentException(session.label() + ": " + name + " is " + spec(name).dtype() + ", not " + dtype);
        }
    }

    /** Runs the session on the input buffers; the outputs land in the output buffers. */
    public void run() {
        session.run(inputs, outputs);
    }

    @Override
    public void close() {
        inputs.values().forEach(OnnxTensor::close);
        outputs.values().forEach(OnnxTensor::close);
        inputs.clear();
        outputs.clear();
    }
}
