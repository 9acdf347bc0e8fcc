package dev.idstream.core.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small real ONNX models written with the ONNX protobuf classes, for ONNX Runtime layer tests. */
final class TestModels {

    private TestModels() {
    }

    /** y = x * 2 + bias, x and y float32 [-1, n] (dynamic batch); bias is an n-float initializer. */
    static Path scaleAndShift(Path file, int n, boolean externalBias) throws IOException {
        float[] bias = new float[n];
        for (int i = 0; i < n; i++) {
            bias[i] = i % 7;
        }
        ByteBuffer raw = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(bias);
        OnnxMl.TensorProto.Builder biasTensor = OnnxMl.TensorProto.newBuilder().setName("bias")
                .setDataType(DataType.FLOAT_VALUE).addDims(n);
        if (externalBias) {
            Path data = file.resolveSibling(file.getFileName() + ".data");
            Files.write(data, raw.array());
            biasTensor.setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", data.getFileName().toString()))
                    .addExternalData(entry("offset", "0"))
                    .addExternalData(entry("length", Integer.toString(n * 4)));
        } else {
            biasTensor.setRawData(ByteString.copyFrom(raw.array()));
        }
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("scale_and_shift")
                .addInput(value("x", DataType.FLOAT_VALUE, -1, n))
                .addOutput(value("y", DataType.FLOAT_VALUE, -1, n))
                .addInitializer(biasTensor)
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("two").setDataType(DataType.FLOAT_VALUE)
                        .addFloatData(2f))
                .addNode(node("Mul", "scaled", "x", "two"))
                .addNode(node("Add", "y", "scaled", "bias"))
                .build();
        write(file, graph);
        return file;
    }

    /** y = float32(x) + 1 for a half-precision input x [1, n] of {@code halfType} (FLOAT16 or BFLOAT16). */
    static Path halfInput(Path file, int halfType, int n) throws IOException {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("half_input")
                .addInput(value("x", halfType, 1, n))
                .addOutput(value("y", DataType.FLOAT_VALUE, 1, n))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("one").setDataType(DataType.FLOAT_VALUE).addFloatData(1f))
                .addNode(node("Cast", "xf", "x").toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("to").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(DataType.FLOAT_VALUE)))
                .addNode(node("Add", "y", "xf", "one"))
                .build();
        write(file, graph);
        return file;
    }

    /** y = Identity(x), x and y [1, n] of {@code elemType}: shows exactly what a session was fed. */
    static Path identity(Path file, int elemType, int n) throws IOException {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("identity")
                .addInput(value("x", elemType, 1, n))
                .addOutput(value("y", elemType, 1, n))
                .addNode(node("Identity", "y", "x"))
                .build();
        write(file, graph);
        return file;
    }

    /** y = x + x, x and y [1, n] of {@code elemType}: an arithmetic operator in that precision. */
    static Path doubling(Path file, int elemType, int n) throws IOException {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("doubling")
                .addInput(value("x", elemType, 1, n))
                .addOutput(value("y", elemType, 1, n))
                .addNode(node("Add", "y", "x", "x"))
                .build();
        write(file, graph);
        return file;
    }

    private static void write(Path file, OnnxMl.GraphProto graph) throws IOException {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("idstream-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build();
        Files.write(file, model.toByteArray());
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static OnnxMl.NodeProto node(String op, String output, String... inputs) {
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
        for (String in : inputs) {
            b.addInput(in);
        }
        return b.build();
    }

    private static OnnxMl.ValueInfoProto value(String name, int elemType, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
    }
}
