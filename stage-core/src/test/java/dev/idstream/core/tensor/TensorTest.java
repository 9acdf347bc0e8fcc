package dev.idstream.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.tensor.Tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void shouldStoreFloatsLittleEndianRowMajor() {
        Tensor t = Tensor.ofFloats(new long[] {2, 2}, new float[] {1f, 2f, 3f, -1f});

        ByteBuffer data = t.data();
        assertThat(t.dtype()).isEqualTo(DType.F32);
        assertThat(t.elementCount()).isEqualTo(4);
        assertThat(t.byteSize()).isEqualTo(16);
        assertThat(new byte[] {data.get(0), data.get(1), data.get(2), data.get(3)}).containsExactly(0, 0, (byte) 0x80, 0x3F);
        assertThat(data.getFloat(12)).isEqualTo(-1f);
        assertThat(t.toFloatArray()).containsExactly(1f, 2f, 3f, -1f);
    }

    @Test
    void shouldRejectAValueCountThatDoesNotMatchTheShape() {
        assertThatThrownBy(() -> Tensor.ofFloats(new long[] {2, 3}, new float[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shape [2, 3] has 6 elements, got 5 values");
    }

    @Test
    void shouldRejectNegativeDimensionsAndOverflowingShapes() {
        assertThatThrownBy(() -> Tensor.ofFloats(new long[] {2, -1}, new float[0]))
                .hasMessage("negative dimension in shape [2, -1]");
        assertThatThrownBy(() -> Tensor.elementCount(new long[] {1L << 40, 1L << 40}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too many elements");
    }

    @Test
    void shouldRejectBytesThatDoNotMatchDtypeAndShape() {
        assertThatThrownBy(() -> new Tensor(DType.F16, new long[] {3}, ByteBuffer.allocate(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("F16 tensor of shape [3] needs 6 bytes, got 4");
    }

    @Test
    void shouldConvertBetweenFloatFormatsRoundingToNearestEven() {
        Tensor f32 = Tensor.ofFloats(new long[] {3}, new float[] {1f, 0.1f, 70000f});

        Tensor f16 = f32.to(DType.F16);
        Tensor bf16 = f32.to(DType.BF16);

        assertThat(f16.dtype()).isEqualTo(DType.F16);
        assertThat(f16.byteSize()).isEqualTo(6);
        assertThat(f16.data().getShort(2)).isEqualTo((short) 0x2E66);
        assertThat(f16.toFloatArray()).containsExactly(1f, 0.099975586f, Float.POSITIVE_INFINITY);
        assertThat(bf16.toFloatArray()).containsExactly(1f, 0.10009765625f, 70144f);
        assertThat(f16.to(DType.BF16).toFloatArray()).containsExactly(1f, 0.10009765625f, Float.POSITIVE_INFINITY);
        assertThat(f16.to(DType.F32).to(DType.F16)).isEqualTo(f16);
        assertThat(f32.to(DType.F32)).isSameAs(f32);
    }

    @Test
    void shouldRefuseConversionsInvolvingIntegers() {
        assertThatThrownBy(() -> Tensor.ofInts(new long[] {1}, new int[] {1}).to(DType.F32))
                .hasMessage("cannot convert I32 to F32: only F32, F16 and BF16 convert into each other");
        assertThatThrownBy(() -> Tensor.ofLongs(new long[] {1}, new long[] {1}).toFloatArray())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Tensor.ofFloats(new long[] {1}, new float[] {1}).toLongArray())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReadIntegerTensorsAsLongs() {
        assertThat(Tensor.ofLongs(new long[] {2}, new long[] {-5, Long.MAX_VALUE}).toLongArray()).containsExactly(-5, Long.MAX_VALUE);
        assertThat(Tensor.ofInts(new long[] {2}, new int[] {-5, 7}).toLongArray()).containsExactly(-5, 7);
        assertThat(Tensor.ofUnsignedBytes(new long[] {2}, new byte[] {(byte) 255, 3}).toLongArray()).containsExactly(255, 3);
    }

    @Test
    void shouldBeImmutableAndCompareByContent() {
        long[] shape = {2};
        float[] values = {1f, 2f};
        Tensor t = Tensor.ofFloats(shape, values);
        shape[0] = 99;
        t.shape()[0] = 99;
        t.data().position(4);

        assertThat(t.shape()).containsExactly(2);
        assertThat(t.data().position()).isZero();
        assertThat(t.data().isReadOnly()).isTrue();
        assertThat(t).isEqualTo(Tensor.ofFloats(new long[] {2}, new float[] {1f, 2f}))
                .hasSameHashCodeAs(Tensor.ofFloats(new long[] {2}, new float[] {1f, 2f}))
                .isNotEqualTo(Tensor.ofFloats(new long[] {1, 2}, new float[] {1f, 2f}))
                .isNotEqualTo(Tensor.ofFloats(new long[] {2}, new float[] {1f, 3f}));
    }

    @Test
    void shouldViewOnlyTheRemainingBytesOfTheGivenBuffer() {
        ByteBuffer buffer = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(9f).putFloat(1f).putFloat(2f);
        buffer.position(4);

        Tensor t = new Tensor(DType.F32, new long[] {2}, buffer);

        assertThat(t.toFloatArray()).containsExactly(1f, 2f);
    }

    @Test
    void shouldReshapeOnlyToTheSameElementCount() {
        Tensor t = Tensor.ofFloats(new long[] {2, 3}, new float[6]);

        assertThat(t.reshape(3, 2).shape()).containsExactly(3, 2);
        assertThat(t.reshape(6).rank()).isEqualTo(1);
        assertThatThrownBy(() -> t.reshape(4, 2)).hasMessageContaining("cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)");
    }
}
