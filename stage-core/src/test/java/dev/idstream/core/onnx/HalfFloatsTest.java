package dev.idstream.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void shouldRoundTripExactlyWhenValueIsRepresentable() {
        for (float v : new float[] {0f, -0f, 1f, -2.5f, 65504f, 0x1p-24f, 0x1p-14f, Float.POSITIVE_INFINITY}) {
            assertThat(HalfFloats.fromFloat16(HalfFloats.toFloat16(v))).isEqualTo(v);
        }
        for (float v : new float[] {0f, 1f, -3.5f, 0x1p100f, Float.NEGATIVE_INFINITY}) {
            assertThat(HalfFloats.fromBfloat16(HalfFloats.toBfloat16(v))).isEqualTo(v);
        }
    }

    @Test
    void shouldRoundToNearestEvenWhenValueFallsBetween() {
        // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties go to the even one, 1
        assertThat(HalfFloats.fromFloat16(HalfFloats.toFloat16(1f + 0x1p-11f))).isEqualTo(1f);
        assertThat(HalfFloats.fromFloat16(HalfFloats.toFloat16(1f + 0x1p-11f + 0x1p-20f))).isEqualTo(1f + 0x1p-10f);
        assertThat(HalfFloats.toFloat16(70000f)).isEqualTo((short) 0x7C00);
        assertThat(Float.isNaN(HalfFloats.fromFloat16(HalfFloats.toFloat16(Float.NaN)))).isTrue();
        assertThat(HalfFloats.fromBfloat16(HalfFloats.toBfloat16(1f + 0x1p-8f))).isEqualTo(1f);
    }
}
