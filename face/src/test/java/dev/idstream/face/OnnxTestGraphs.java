package dev.idstream.face;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Small real ONNX graphs with the input/output names and shapes of production face models, written with the
 * ONNX protobuf classes: detectors whose outputs are constants encoding known faces, and image-to-vector models
 * whose outputs are a known function of the per-channel means of their input.
 */
final class OnnxTestGraphs {

    /** A float32 tensor: its shape as the graph declares it ({@code -1} = dynamic) and its values (shape {@code valueShape}). */
    record Constant(long[] graphShape, long[] valueShape, float[] values) {}

    private OnnxTestGraphs() {
    }

    /** A graph whose outputs are constants; its image input is declared but not read, as a detector stand-in. */
    static Path constants(Path file, String inputName, long[] inputShape, Map<String, Constant> outputs) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("constant_detector")
                .addInput(value(inputName, inputShape));
        for (var e : outputs.entrySet()) {
            g.addNode(node("Constant", e.getKey()).toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value")
                    .setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(tensor(e.getKey() + "_value", e.getValue().valueShape(),
                            e.getValue().values()))));
            g.addOutput(value(e.getKey(), e.getValue().graphShape()));
        }
        return write(file, g.build());
    }

    /**
     * {@code output[n, k] = sum_c weights[c][k] * mean_{h,w} input[n, c, h, w]} for an NCHW input, with
     * {@code outputShape} [-1, K] or [-1, K, 1, 1] (pytorch-fid's pool3 layout).
     */
    static Path channelMeansTimes(Path file, String inputName, long[] inputShape, String outputName, long[] outputShape,
                                  float[][] weights) {
        int channels = weights.length;
        int k = weights[0].length;
        float[] w = new float[channels * k];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(weights[c], 0, w, c * k, k);
        }
        boolean pooled = outputShape.length == 4;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("channel_means")
                .addInput(value(inputName, inputShape))
                .addOutput(value(outputName, outputShape))
                .addInitializer(tensor("weights", new long[] {channels, k}, w))
                .addNode(node("ReduceMean", "means", inputName).toBuilder()
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axes")
                                .setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(2).addInts(3))
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0)))
                .addNode(node("MatMul", pooled ? "flat" : outputName, "means", "weights"));
        if (pooled) {
            g.addInitializer(int64s("to_4d", -1, k, 1, 1)).addNode(node("Reshape", outputName, "flat", "to_4d"));
        }
        return write(file, g.build());
    }

    private static Path write(Path file, OnnxMl.GraphProto graph) {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("idstream-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build();
        try {
            Files.write(file, model.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static OnnxMl.TensorProto tensor(String name, long[] shape, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    private static OnnxMl.TensorProto int64s(String name, long... values) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE)
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    private static OnnxMl.NodeProto node(String op, String output, String... inputs) {
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
        for (String in : inputs) {
            b.addInput(in);
        }
        return b.build();
    }

    private static OnnxMl.ValueInfoProto value(String name, long[] dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            shape.addDim(dims[i] < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i)
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i]));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
