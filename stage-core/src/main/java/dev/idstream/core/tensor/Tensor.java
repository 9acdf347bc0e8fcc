package dev.idstream.core.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense tensor: element type, shape and little-endian bytes in row-major order,
 * exactly as safetensors stores it.
 *
 * <p>The constructor checks that the bytes hold exactly {@code product(shape)} elements of {@code dtype}. The tensor
 * keeps a read-only little-endian view of the given buffer's remaining bytes (no copy), so the caller must not
 * change those bytes afterwards. Two tensors are equal when dtype, shape and bytes are equal.
 */
public record Tensor(DType dtype, long[] shape, ByteBuffer data) {

    /** Element types, named as in safetensors. */
    public enum DType {
        F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), U8(1);

        private final int byteSize;

        DType(int byteSize) {
            this.byteSize = byteSize;
        }

        public int byteSize() {
            return byteSize;
        }

        public boolean isFloatingPoint() {
            return this == F32 || this == F16 || this == BF16;
        }
    }

    public Tensor {
        if (dtype == null || shape == null || data == null) {
            throw new IllegalArgumentException("dtype, shape and data are required");
        }
        shape = shape.clone();
        long expectedBytes = Math.multiplyExact(elementCount(shape), dtype.byteSize());
        if (data.remaining() != expectedBytes) {
            throw new IllegalArgumentException(dtype + " tensor of shape " + Arrays.toString(shape) + " needs "
                    + expectedBytes + " bytes, got " + data.remaining());
        }
        data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Number of elements of a shape; every dimension must be ≥ 0 and the product must fit in a long. */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            try {
                count = Math.multiplyExact(count, dim);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements", e);
            }
        }
        return count;
    }

    public static Tensor ofFloats(long[] shape, float[] values) {
        ByteBuffer buffer = allocate(shape, values.length, DType.F32);
        buffer.asFloatBuffer().put(values);
        return new Tensor(DType.F32, shape, buffer);
    }

    /** Float values stored as {@code dtype} (F32, F16 or BF16), rounded to nearest even. */
    public static Tensor ofFloats(long[] shape, float[] values, DType dtype) {
        return ofFloats(shape, values).to(dtype);
    }

    /** F64 tensor, for accumulated statistics that float32 would round (e.g. sums of outer products). */
    public static Tensor ofDoubles(long[] shape, double[] values) {
        ByteBuffer buffer = allocate(shape, values.length, DType.F64);
        buffer.asDoubleBuffer().put(values);
        return new Tensor(DType.F64, shape, buffer);
    }

    public static Tensor ofLongs(long[] shape, long[] values) {
        ByteBuffer buffer = allocate(shape, values.length, DType.I64);
        buffer.asLongBuffer().put(values);
        return new Tensor(DType.I64, shape, buffer);
    }

    public static Tensor ofInts(long[] shape, int[] values) {
        ByteBuffer buffer = allocate(shape, values.length, DType.I32);
        buffer.asIntBuffer().put(values);
        return new Tensor(DType.I32, shape, buffer);
    }

    /** U8 tensor; each byte is read as an unsigned value 0..255. */
    public static Tensor ofUnsignedBytes(long[] shape, byte[] values) {
        ByteBuffer buffer = allocate(shape, values.length, DType.U8);
        buffer.put(values);
        return new Tensor(DType.U8, shape, buffer.flip());
    }

    private static ByteBuffer allocate(long[] shape, int valueCount, DType dtype) {
        long count = elementCount(shape);
        if (count != valueCount) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + count
                    + " elements, got " + valueCount + " values");
        }
        return ByteBuffer.allocate(Math.multiplyExact(valueCount, dtype.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A fresh read-only view positioned at the first byte, so callers never disturb each other's position. */
    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public long elementCount() {
        return elementCount(shape);
    }

    public int rank() {
        return shape.length;
    }

    public long byteSize() {
        return data.remaining();
    }

    /** The values as float32, widening F16 and BF16 exactly. */
    public float[] toFloatArray() {
        int count = arrayLength();
        float[] out = new float[count];
        ByteBuffer in = data();
        switch (dtype) {
            case F32 -> in.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = HalfFloats.fromF16(in.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = HalfFloats.fromBF16(in.getShort(2 * i));
                }
            }
            case F64 -> throw new IllegalStateException("F64 tensor: use toDoubleArray() (float32 would lose its precision)");
            default -> throw new IllegalStateException(dtype + " tensor has no float values; use toLongArray()");
        }
        return out;
    }

    /** The values as float64: F64 as stored, F32, F16 and BF16 widened exactly. */
    public double[] toDoubleArray() {
        if (dtype == DType.F64) {
            double[] out = new double[arrayLength()];
            data().asDoubleBuffer().get(out);
            return out;
        }
        float[] floats = toFloatArray();
        double[] out = new double[floats.length];
        for (int i = 0; i < floats.length; i++) {
            out[i] = floats[i];
        }
        return out;
    }

    /** The values of an integer tensor (I64, I32, U8 read as unsigned) as longs. */
    public long[] toLongArray() {
        int count = arrayLength();
        long[] out = new long[count];
        ByteBuffer in = data();
        switch (dtype) {
            case I64 -> in.asLongBuffer().get(out);
            case I32 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = in.getInt(4 * i);
                }
            }
            case U8 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = in.get(i) & 0xFF;
                }
            }
            default -> throw new IllegalStateException(dtype + " tensor has no integer values; use "
                    + (dtype == DType.F64 ? "toDoubleArray()" : "toFloatArray()"));
        }
        return out;
    }

    /** Converts between F32, F16 and BF16 (narrowing rounds to nearest even); returns this tensor if already {@code target}. */
    public Tensor to(DType target) {
        if (target == dtype) {
            return this;
        }
        if (!dtype.isFloatingPoint() || !target.isFloatingPoint()) {
            throw new IllegalArgumentException("cannot convert " + dtype + " to " + target
                    + ": only F32, F16 and BF16 convert into each other");
        }
        float[] values = toFloatArray();
        if (target == DType.F32) {
            return ofFloats(shape, values);
        }
        ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putShort(target == DType.F16 ? HalfFloats.toF16(v) : HalfFloats.toBF16(v));
        }
        return new Tensor(target, shape, out.flip());
    }

    /** Same elements, another shape with the same element count. */
    public Tensor reshape(long... newShape) {
        if (elementCount(newShape) != elementCount()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " (" + elementCount()
                    + " elements) to " + Arrays.toString(newShape) + " (" + elementCount(newShape) + " elements)");
        }
        return new Tensor(dtype, newShape, data);
    }

    private int arrayLength() {
        long count = elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor of shape " + Arrays.toString(shape) + " is too large for a Java array");
        }
        return (int) count;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape) && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data.hashCode();
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
