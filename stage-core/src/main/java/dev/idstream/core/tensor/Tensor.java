package dev.idstream.core.tensor;

import java.nio.ByteBuffer;

/**
 * A dense tensor: element type, shape and little-endian bytes in row-major order,
 * exactly as safetensors stores it.
 */
public record Tensor(DType dtype, long[] shape, ByteBuffer data) {

    public enum DType { F32, F16, BF16, I64, I32, U8 }
}
