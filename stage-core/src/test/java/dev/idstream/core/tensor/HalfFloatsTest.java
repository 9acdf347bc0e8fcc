package dev.idstream.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HalfFloatsTest {

    /** Bit patterns from the IEEE 754 binary16 tables and bfloat16 = the top 16 bits of float32, rounded. */
    @ParameterizedTest(name = "{0} -> f16 {1}, bf16 {2}")
    @CsvSource({
            // float32 bits, binary16 bits, bfloat16 bits
            "0x00000000, 0x0000, 0x0000",  // +0
            "0x80000000, 0x8000, 0x8000",  // -0
            "0x3F800000, 0x3C00, 0x3F80",  // 1
            "0xC0000000, 0xC000, 0xC000",  // -2
            "0x3DCCCCCD, 0x2E66, 0x3DCD",  // 0.1
            "0x3EAAAAAB, 0x3555, 0x3EAB",  // 1/3
            "0x477FE000, 0x7BFF, 0x4780",  // 65504, largest float16
            "0x477FEFFF, 0x7BFF, 0x4780",  // just below the float16 overflow threshold
            "0x477FF000, 0x7C00, 0x4780",  // 65520: halfway to 65536, ties to even = infinity
            "0x38800000, 0x0400, 0x3880",  // 2^-14, smallest normal float16
            "0x387FC000, 0x03FF, 0x3880",  // largest float16 subnormal (1023 * 2^-24); bf16 rounds up
            "0x33800000, 0x0001, 0x3380",  // 2^-24, smallest float16 subnormal
            "0x33000000, 0x0000, 0x3300",  // 2^-25: halfway to the smallest subnormal, ties to even = 0
            "0x33400000, 0x0001, 0x3340",  // 1.5 * 2^-25: above halfway, rounds up
            "0x00000001, 0x0000, 0x0000",  // smallest float32 subnormal
            "0x3F801000, 0x3C00, 0x3F80",  // 1 + 2^-11: tie, even stays
            "0x3F803000, 0x3C02, 0x3F80",  // 1 + 3 * 2^-11: tie, odd rounds up
            "0x3F808000, 0x3C04, 0x3F80",  // 1 + 2^-8: bf16 tie, even stays
            "0x3F818000, 0x3C0C, 0x3F82",  // 1 + 3 * 2^-8: bf16 tie, odd rounds up
            "0x7F7FFFFF, 0x7C00, 0x7F80",  // largest float32: infinity in both
            "0x7F800000, 0x7C00, 0x7F80",  // +inf
            "0xFF800000, 0xFC00, 0xFF80",  // -inf
            "0x7FC00000, 0x7E00, 0x7FC0",  // canonical NaN
            "0x7F800001, 0x7E00, 0x7FC0",  // signalling NaN whose payload truncation would give infinity
    })
    void shouldRoundToNearestEvenWhenNarrowing(String f32, String f16, String bf16) {
        float value = Float.intBitsToFloat(Integer.parseUnsignedInt(f32.substring(2), 16));

        assertThat(hex(HalfFloats.toF16(value))).isEqualTo(f16);
        assertThat(hex(HalfFloats.toBF16(value))).isEqualTo(bf16);
    }

    @ParameterizedTest(name = "f16 {0} = {1}")
    @CsvSource({
            "0x0000, 0.0",
            "0x8000, -0.0",
            "0x3C00, 1.0",
            "0xC000, -2.0",
            "0x3555, 0.333251953125",
            "0x7BFF, 65504.0",
            "0x0400, 6.103515625E-5",
            "0x0001, 5.9604644775390625E-8",
            "0x03FF, 6.097555160522461E-5",
            "0x8001, -5.9604644775390625E-8",
            "0x7C00, Infinity",
            "0xFC00, -Infinity",
    })
    void shouldWidenFloat16Exactly(String f16, String expected) {
        float value = HalfFloats.fromF16((short) Integer.parseInt(f16.substring(2), 16));

        assertThat(Float.floatToRawIntBits(value)).isEqualTo(Float.floatToRawIntBits(Float.parseFloat(expected)));
    }

    @Test
    void shouldRoundTripEveryFloat16BitPatternThroughFloat32() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float widened = HalfFloats.fromF16((short) bits);
            boolean nan = (bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0;
            if (nan) {
                assertThat(widened).as("f16 %04x", bits).isNaN();
                assertThat(HalfFloats.toF16(widened) & 0x7E00).as("f16 %04x", bits).isEqualTo(0x7E00);
            } else {
                assertThat(HalfFloats.toF16(widened) & 0xFFFF).as("f16 %04x", bits).isEqualTo(bits);
            }
        }
    }

    @Test
    void shouldRoundTripEveryBfloat16BitPatternThroughFloat32() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float widened = HalfFloats.fromBF16((short) bits);
            assertThat(Float.floatToRawIntBits(widened)).isEqualTo(bits << 16);
            if (Float.isNaN(widened)) {
                assertThat(Float.isNaN(HalfFloats.fromBF16(HalfFloats.toBF16(widened)))).isTrue();
            } else {
                assertThat(HalfFloats.toBF16(widened) & 0xFFFF).as("bf16 %04x", bits).isEqualTo(bits);
            }
        }
    }

    @Test
    void shouldPickTheNearestFloat16ForEveryFloat32InOneBinade() {
        // Brute force against the definition: the result is the closest representable value, ties to even.
        for (int bits = 0x3F800000; bits < 0x40000000; bits += 7) {
            float value = Float.intBitsToFloat(bits);
            short half = HalfFloats.toF16(value);
            double error = Math.abs(HalfFloats.fromF16(half) - (double) value);
            double below = Math.abs(HalfFloats.fromF16((short) (half - 1)) - (double) value);
            double above = Math.abs(HalfFloats.fromF16((short) (half + 1)) - (double) value);
            assertThat(error).as("%s", value).isLessThanOrEqualTo(below).isLessThanOrEqualTo(above);
            if (error == below || error == above) {
                assertThat(half & 1).as("tie at %s goes to even", value).isZero();
            }
        }
    }

    private static String hex(short bits) {
        return String.format("0x%04X", bits & 0xFFFF);
    }
}
