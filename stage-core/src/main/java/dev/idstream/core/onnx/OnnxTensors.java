package dev.idstream.core.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.idstream.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Moves {@link Tensor}s (little-endian bytes, any supported dtype) in and out of ONNX Runtime. */
public final class OnnxTensors {

    private OnnxTensors() {
    }

    /** A native tensor over a direct copy of {@code t}'s bytes; the caller closes it. */
    public static OnnxTensor toOnnx(OrtEnvironment env, Tensor t) throws OrtException {
        ByteBuffer src = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long expected = Arrays.stream(t.shape()).reduce(1, Math::multiplyExact) * t.dtype().byteSize();
        if (src.remaining() != expected) {
            throw new IllegalArgumentException("tensor " + t.dtype() + Arrays.toString(t.shape()) + " needs "
                    + expected + " bytes, has " + src.remaining());
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
        direct.put(src).flip();
        return OnnxTensor.createTensor(env, direct, t.shape(), javaType(t.dtype()));
    }

    /** A heap copy of a native tensor's contents. */
    public static Tensor fromOnnx(OnnxTensor value) {
        TensorInfo info = value.getInfo();
        Tensor.DType dtype = dtype(info.type);
        ByteBuffer bytes = value.getByteBuffer().order(ByteOrder.nativeOrder());
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(bytes).flip();
        return new Tensor(dtype, info.getShape(), copy);
    }

    /** A float32 {@link Tensor} over a copy of {@code values}. */
    public static Tensor f32(float[] values, long... shape) {
        return Tensor.ofFloats(shape, values);
    }

    /** A float16 or bfloat16 {@link Tensor} holding {@code values} rounded to nearest even. */
    public static Tensor half(Tensor.DType dtype, float[] values, long... shape) {
        if (dtype != Tensor.DType.F16 && dtype != Tensor.DType.BF16) {
            throw new IllegalArgumentException("half() makes F16 or BF16 tensors, not " + dtype);
        }
        return Tensor.ofFloats(shape, values, dtype);
    }

    /** The values of a float tensor (F32, F16 or BF16) as float32. */
    public static float[] floats(Tensor t) {
        return t.toFloatArray();
    }

    static OnnxJavaType javaType(Tensor.DType dtype) {
        return switch (dtype) {
            case F32 -> OnnxJavaType.FLOAT;
            case F16 -> OnnxJavaType.FLOAT16;
            case BF16 -> OnnxJavaType.BFLOAT16;
            case F64 -> OnnxJavaType.DOUBLE;
            case I64 -> OnnxJavaType.INT64;
            case I32 -> OnnxJavaType.INT32;
            case U8 -> OnnxJavaType.UINT8;
        };
    }

    static Tensor.DType dtype(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> Tensor.DType.F32;
            case FLOAT16 -> Tensor.DType.F16;
            case BFLOAT16 -> Tensor.DType.BF16;
            case DOUBLE -> Tensor.DType.F64;
            case INT64 -> Tensor.DType.I64;
            case INT32 -> Tensor.DType.I32;
            case UINT8 -> Tensor.DType.U8;
            default -> throw new IllegalArgumentException("unsupported ONNX tensor type " + type);
        };
    }

    /** numpy-style name (as in bundle.json and {@link TensorSpec#dtype()}) of a {@link Tensor} dtype. */
    static String dtypeName(Tensor.DType dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case F64 -> "float64";
            case I64 -> "int64";
            case I32 -> "int32";
            case U8 -> "uint8";
        };
    }

    /** The {@link Tensor} dtype of a numpy-style name, or null when {@link Tensor} has none (bool, int8, string, ...). */
    static Tensor.DType dtypeNamed(String name) {
        for (Tensor.DType d : Tensor.DType.values()) {
            if (dtypeName(d).equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** numpy-style name used in bundle.json for an ONNX element type. */
    static String dtypeName(TensorInfo.OnnxTensorType type) {
        return switch (type) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "float32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> "float16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> "bfloat16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> "float64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> "int64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> "int32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> "int16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> "int8";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> "uint8";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> "bool";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> "string";
            default -> type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(java.util.Locale.ROOT);
        };
    }
}
