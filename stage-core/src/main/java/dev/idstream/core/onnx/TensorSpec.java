package dev.idstream.core.onnx;

import java.util.Arrays;

/**
 * Name, element type and shape of a model input or output, as declared in {@code bundle.json} and as
 * reported by an ONNX Runtime session. A dimension of {@code -1} is dynamic (symbolic in the graph).
 *
 * @param dtype numpy-style element type name: {@code float32}, {@code float16}, {@code bfloat16},
 *              {@code int64}, {@code int32}, {@code uint8}, ...
 */
public record TensorSpec(String name, String dtype, long[] shape) {

    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Element count when every dimension is fixed. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalStateException(name + " has a dynamic shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + dtype.hashCode()) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ":" + dtype + shapeText();
    }
}
