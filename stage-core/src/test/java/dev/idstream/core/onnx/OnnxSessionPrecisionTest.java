package dev.idstream.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.idstream.core.tensor.HalfFloats;
import dev.idstream.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Float feeds meet float16/bfloat16 graphs at the session boundary: converted, rounded to nearest even, or refused. */
class OnnxSessionPrecisionTest {

    private static final OrtRuntime RUNTIME = new OrtRuntime(OrtSettings.cpu(1), GpuDevicesTestSupport.none());

    /** 1 + 2^-11 is halfway between two float16 values (ties to even: 1), 1 + 3·2^-11 rounds up to the even 1 + 2^-9. */
    private static final float[] VALUES = {1f + 0x1p-11f, 1f + 3 * 0x1p-11f, -2.5f, 65504f, 1e-8f, 70000f};

    @TempDir
    Path dir;

    @Test
    void shouldRoundFloat32FeedToNearestEvenWhenInputIsFloat16() throws IOException {
        try (OnnxSession session = RUNTIME.open(TestModels.identity(dir.resolve("f16.onnx"), DataType.FLOAT16_VALUE, 6), "f16")) {
            Tensor y = session.run(Map.of("x", Tensor.ofFloats(new long[] {1, 6}, VALUES))).get("y");

            assertThat(y.dtype()).as("outputs keep the graph's dtype").isEqualTo(Tensor.DType.F16);
            assertThat(y.toFloatArray()).containsExactly(1f, 1f + 0x1p-9f, -2.5f, 65504f, 0f, Float.POSITIVE_INFINITY);
        }
    }

    @Test
    void shouldRoundFloat32FeedToNearestEvenWhenInputIsBfloat16() throws IOException {
        try (OnnxSession session = RUNTIME.open(TestModels.identity(dir.resolve("bf16.onnx"), DataType.BFLOAT16_VALUE, 6), "bf16")) {
            Tensor y = session.run(Map.of("x", Tensor.ofFloats(new long[] {1, 6}, VALUES))).get("y");

            assertThat(y.dtype()).isEqualTo(Tensor.DType.BF16);
            float[] expected = new float[VALUES.length];
            for (int i = 0; i < VALUES.length; i++) {
                expected[i] = HalfFloats.fromBF16(HalfFloats.toBF16(VALUES[i]));
            }
            assertThat(y.toFloatArray()).containsExactly(expected);
            assertThat(expected[3]).as("bfloat16 keeps 8 bits of mantissa: 65504 rounds to 65536").isEqualTo(65536f);
        }
    }

    @Test
    void shouldConvertBetweenHalfFormatsAndWidenWhenFeedDtypeDiffersFromInput() throws IOException {
        float[] halfExact = {0.5f, -1.25f, 3f, 96f};
        try (OnnxSession f16 = RUNTIME.open(TestModels.identity(dir.resolve("f16.onnx"), DataType.FLOAT16_VALUE, 4), "f16");
             OnnxSession f32 = RUNTIME.open(TestModels.scaleAndShift(dir.resolve("f32.onnx"), 4, false), "f32")) {
            Tensor fromBf16 = f16.run(Map.of("x", Tensor.ofFloats(new long[] {1, 4}, halfExact, Tensor.DType.BF16))).get("y");
            Tensor fromF16 = f32.run(Map.of("x", Tensor.ofFloats(new long[] {1, 4}, halfExact, Tensor.DType.F16))).get("y");

            assertThat(fromBf16.toFloatArray()).containsExactly(halfExact);
            assertThat(fromF16.dtype()).isEqualTo(Tensor.DType.F32);
            assertThat(fromF16.toFloatArray()).containsExactly(1f, -1.5f, 8f, 195f);   // x * 2 + (0, 1, 2, 3)
        }
    }

    @Test
    void shouldNameInputAndDtypesWhenNonFloatFeedMeetsFloatInput() throws IOException {
        try (OnnxSession session = RUNTIME.open(TestModels.identity(dir.resolve("f16.onnx"), DataType.FLOAT16_VALUE, 2), "half-model")) {
            assertThatThrownBy(() -> session.run(Map.of("x", Tensor.ofLongs(new long[] {1, 2}, new long[] {1, 2}))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("half-model: input x was given as int64, the model takes float16");
        }
        try (OnnxSession session = RUNTIME.open(TestModels.identity(dir.resolve("i64.onnx"), DataType.INT64_VALUE, 2), "ids")) {
            assertThatThrownBy(() -> session.run(Map.of("x", Tensor.ofFloats(new long[] {1, 2}, new float[] {1, 2}))))
                    .hasMessage("ids: input x was given as float32, the model takes int64");
        }
    }

    @Test
    void shouldRunFloat16ArithmeticOnCpuWhenFedFloat32() throws IOException {
        try (OnnxSession session = RUNTIME.open(TestModels.doubling(dir.resolve("add16.onnx"), DataType.FLOAT16_VALUE, 3), "add16")) {
            Tensor y = session.run(Map.of("x", Tensor.ofFloats(new long[] {1, 3}, new float[] {0.25f, -3f, 1000f}))).get("y");

            assertThat(y.dtype()).isEqualTo(Tensor.DType.F16);
            assertThat(y.toFloatArray()).containsExactly(0.5f, -6f, 2000f);
        }
    }
}
