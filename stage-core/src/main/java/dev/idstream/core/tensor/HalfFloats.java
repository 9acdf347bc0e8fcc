package dev.idstream.core.tensor;

/**
 * Bit-exact conversions between float32 and the two 16-bit float formats, rounding to nearest, ties to even
 * (what numpy, torch and IEEE 754 do). NaN stays NaN (quiet), infinities stay infinite, values too large for
 * float16 become infinity and values too small become (signed) zero or a float16 subnormal.
 */
public final class HalfFloats {

    private HalfFloats() {}

    /** float32 → IEEE 754 binary16 bits. */
    public static short toF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7F_FFFF;
        if (exponent == 0xFF) {
            // Infinity keeps a zero mantissa; NaN keeps its top payload bits and is forced quiet (never becomes infinity).
            return (short) (mantissa == 0 ? sign | 0x7C00 : sign | 0x7E00 | (mantissa >>> 13));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (halfExponent >= 1) {
            // Normal: keep 10 of 23 mantissa bits, round on the 13 dropped ones; a carry may roll into the exponent
            // (and up to infinity), which is the correct result.
            int half = (halfExponent << 10) | (mantissa >>> 13);
            return (short) (sign | roundNearestEven(half, mantissa & 0x1FFF, 13));
        }
        if (exponent == 0) {
            return (short) sign; // float32 zero or subnormal: far below the smallest float16 subnormal
        }
        // float16 subnormal: value = significand * 2^(exponent-150), in units of 2^-24 that is significand >> (126-exponent).
        int significand = mantissa | 0x80_0000;
        int shift = 126 - exponent;
        if (shift > 24) {
            return (short) sign; // below half of the smallest subnormal
        }
        int half = significand >>> shift;
        return (short) (sign | roundNearestEven(half, significand & ((1 << shift) - 1), shift));
    }

    /** IEEE 754 binary16 bits → float32 (exact). */
    public static float fromF16(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0) {
            float magnitude = Math.scalb((float) mantissa, -24);
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** float32 → bfloat16 bits (the top half of the float32, rounded). */
    public static short toBF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040); // quiet; truncation alone could turn a NaN into infinity
        }
        int upper = bits >>> 16;
        return (short) roundNearestEven(upper, bits & 0xFFFF, 16);
    }

    /** bfloat16 bits → float32 (exact). */
    public static float fromBF16(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /** Rounds {@code kept} by the {@code droppedBits}-wide remainder {@code dropped}: up above half, to even at half. */
    private static int roundNearestEven(int kept, int dropped, int droppedBits) {
        int halfway = 1 << (droppedBits - 1);
        if (dropped > halfway || (dropped == halfway && (kept & 1) == 1)) {
            return kept + 1;
        }
        return kept;
    }
}
