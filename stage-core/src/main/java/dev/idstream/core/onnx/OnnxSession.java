package dev.idstream.core.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.idstream.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One loaded model. {@link #run(Map)} is the simple path (copies in, copies out); {@link #bind(Map)}
 * prepares reusable direct buffers for repeated runs at fixed shapes. Every native tensor and result
 * created here is closed here. Sessions are thread-safe; bindings are not.
 */
public final class OnnxSession implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String label;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;

    OnnxSession(OrtEnvironment env, OrtSession session, String label) throws OrtException {
        this.env = env;
        this.session = session;
        this.label = label;
        this.inputs = specs(session.getInputInfo());
        this.outputs = specs(session.getOutputInfo());
    }

    public String label() {
        return label;
    }

    public List<TensorSpec> inputs() {
        return inputs;
    }

    public List<TensorSpec> outputs() {
        return outputs;
    }

    /**
     * Runs the model on {@code feeds} (every input, by name) and returns copies of all outputs, in the dtypes the graph
     * gives them. A float feed (F32, F16, BF16) of another float dtype than its input declares is converted to the
     * declared one (rounding to nearest even), so callers feed float32 to float16 and bfloat16 graphs alike; any other
     * dtype mismatch is an error naming the input.
     */
    public Map<String, Tensor> run(Map<String, Tensor> feeds) {
        checkNames("input", feeds.keySet(), inputs);
        Map<String, Tensor> converted = new HashMap<>();
        for (TensorSpec spec : inputs) {
            converted.put(spec.name(), asDeclared(spec, feeds.get(spec.name())));
        }
        Map<String, OnnxTensor> native_ = new HashMap<>();
        try {
            for (var e : converted.entrySet()) {
                native_.put(e.getKey(), OnnxTensors.toOnnx(env, e.getValue()));
            }
            try (OrtSession.Result result = session.run(native_)) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (!(e.getValue() instanceof OnnxTensor t)) {
                        throw new OnnxException(label + ": output " + e.getKey() + " is not a tensor");
                    }
                    out.put(e.getKey(), OnnxTensors.fromOnnx(t));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new OnnxException(label + ": inference failed: " + e.getMessage(), e);
        } finally {
            native_.values().forEach(OnnxTensor::close);
        }
    }

    private Tensor asDeclared(TensorSpec spec, Tensor given) {
        Tensor.DType declared = OnnxTensors.dtypeNamed(spec.dtype());
        if (declared == given.dtype()) {
            return given;
        }
        if (declared != null && declared.isFloatingPoint() && given.dtype().isFloatingPoint()) {
            return given.to(declared);
        }
        throw new IllegalArgumentException(label + ": input " + spec.name() + " was given as "
                + OnnxTensors.dtypeName(given.dtype()) + ", the model takes " + spec.dtype());
    }

    /**
     * Direct buffers for every input and output at the given shapes (needed for each dynamic
     * dimension; fixed dimensions may be left out). Close the binding when done.
     */
    public TensorBinding bind(Map<String, long[]> shapes) {
        return new TensorBinding(env, this, resolve(inputs, shapes), resolve(outputs, shapes));
    }

    /** Binds every input and output with a dynamic leading (batch) dimension set to {@code batch}. */
    public TensorBinding bindBatch(long batch) {
        Map<String, long[]> shapes = new HashMap<>();
        for (TensorSpec spec : concat(inputs, outputs)) {
            long[] shape = spec.shape();
            if (shape.length > 0 && shape[0] < 0) {
                shape[0] = batch;
            }
            shapes.put(spec.name(), shape);
        }
        return bind(shapes);
    }

    private static List<TensorSpec> concat(List<TensorSpec> a, List<TensorSpec> b) {
        List<TensorSpec> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Runs with pinned outputs: ONNX Runtime writes the results straight into the binding's buffers. */
    void run(Map<String, OnnxTensor> feeds, Map<String, OnnxTensor> pinnedOutputs) {
        try (OrtSession.Result ignored = session.run(feeds, pinnedOutputs)) {
            // results live in the pinned output buffers; closing the Result frees nothing they need
        } catch (OrtException e) {
            throw new OnnxException(label + ": inference failed: " + e.getMessage(), e);
        }
    }

    private List<TensorSpec> resolve(List<TensorSpec> declared, Map<String, long[]> shapes) {
        List<TensorSpec> resolved = new ArrayList<>();
        for (TensorSpec spec : declared) {
            long[] given = shapes.get(spec.name());
            long[] shape = spec.shape();
            if (given != null) {
                if (given.length != shape.length) {
                    throw new IllegalArgumentException(label + ": " + spec.name() + " has rank " + shape.length
                            + " " + spec.shapeText() + ", binding asked for " + java.util.Arrays.toString(given));
                }
                for (int i = 0; i < shape.length; i++) {
                    if (shape[i] >= 0 && shape[i] != given[i]) {
                        throw new IllegalArgumentException(label + ": " + spec.name() + " is " + spec.shapeText()
                                + ", binding asked for " + java.util.Arrays.toString(given));
                    }
                }
                shape = given.clone();
            }
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(label + ": " + spec.name() + " has dynamic shape "
                            + spec.shapeText() + "; give its shape when binding");
                }
            }
            resolved.add(new TensorSpec(spec.name(), spec.dtype(), shape));
        }
        return resolved;
    }

    private void checkNames(String kind, java.util.Set<String> given, List<TensorSpec> declared) {
        var expected = new TreeSet<String>();
        declared.forEach(s -> expected.add(s.name()));
        if (!expected.equals(new TreeSet<>(given))) {
            throw new IllegalArgumentException(label + ": " + kind + " names " + new TreeSet<>(given)
                    + " do not match the model's " + expected);
        }
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> info) {
        List<TensorSpec> list = new ArrayList<>();
        for (NodeInfo node : info.values()) {
            if (node.getInfo() instanceof TensorInfo t) {
                list.add(new TensorSpec(node.getName(), OnnxTensors.dtypeName(t.onnxType), t.getShape()));
            } else {
                list.add(new TensorSpec(node.getName(), "non-tensor", new long[0]));
            }
        }
        return List.copyOf(list);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new OnnxException(label + ": closing the session failed: " + e.getMessage(), e);
        }
    }
}
