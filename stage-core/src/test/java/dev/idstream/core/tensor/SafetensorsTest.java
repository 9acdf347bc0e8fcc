package dev.idstream.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.idstream.core.tensor.Tensor.DType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafetensorsTest {

    @Test
    void shouldWriteTheBytesTheSpecDescribes() {
        byte[] expected = concat(
                new byte[] {56, 0, 0, 0, 0, 0, 0, 0},  // header length, u64 little-endian
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ".getBytes(StandardCharsets.UTF_8),
                new byte[] {0, 0, (byte) 0x80, 0x3F},  // 1.0f little-endian
                new byte[] {0, 0, 0, (byte) 0xC0});    // -2.0f

        byte[] written = Safetensors.write(Map.of("x", Tensor.ofFloats(new long[] {2}, new float[] {1f, -2f})));

        assertThat(written).containsExactly(expected);
    }

    @Test
    void shouldWriteMetadataFirstAndTensorsSortedByName() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Tensor.ofUnsignedBytes(new long[] {2}, new byte[] {1, 2}));
        tensors.put("a", Tensor.ofFloats(new long[] {1}, new float[] {1f}, DType.F16));

        byte[] written = Safetensors.write(tensors, Map.of("k", "v"));

        String header = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}";
        int padded = 136; // 131 characters, padded with spaces to the next multiple of 8
        assertThat(header).hasSize(131);
        assertThat(ByteBuffer.wrap(written).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(padded);
        assertThat(new String(written, 8, padded, StandardCharsets.UTF_8)).isEqualTo(header + "     ");
        assertThat(Arrays.copyOfRange(written, 8 + padded, written.length)).containsExactly(0x00, 0x3C, 1, 2);
    }

    @Test
    void shouldReadBackWhatItWroteWithMetadata() {
        Map<String, Tensor> tensors = Map.of(
                "latents", Tensor.ofFloats(new long[] {1, 2, 2}, new float[] {0.5f, -1f, 3f, 1e-3f}, DType.BF16),
                "ids", Tensor.ofLongs(new long[] {3}, new long[] {1, 2, 3}));

        Safetensors.Contents contents = Safetensors.read(Safetensors.write(tensors, Map.of("model", "tiny", "step", "8")));

        assertThat(contents.tensors()).isEqualTo(tensors);
        assertThat(contents.tensors().keySet()).containsExactly("ids", "latents");
        assertThat(contents.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("model", "tiny", "step", "8"));
    }

    @Test
    void shouldStreamTheSameBytesItReturns() throws Exception {
        Map<String, Tensor> tensors = Map.of("t", Tensor.ofInts(new long[] {2, 2}, new int[] {1, 2, 3, 4}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Safetensors.write(tensors, Map.of(), out);

        assertThat(out.toByteArray()).containsExactly(Safetensors.write(tensors));
    }

    @Test
    void shouldRefuseATensorNamedLikeTheMetadata() {
        assertThatThrownBy(() -> Safetensors.write(Map.of("__metadata__", Tensor.ofInts(new long[] {1}, new int[] {1}))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON                 | {\"x\":                                                                  | 0  | malformed JSON",
            "not an object            | [1,2]                                                                   | 0  | must be a JSON object",
            "trailing garbage         | {} x                                                                    | 0  | malformed JSON",
            "duplicate tensor         | {\"x\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]},\"x\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}} | 0 | malformed JSON",
            "unknown dtype            | {\"x\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}        | 8  | tensor 'x' has dtype C64, supported are [F32, F16, BF16, F64, I64, I32, U8]",
            "missing dtype            | {\"x\":{\"shape\":[1],\"data_offsets\":[0,4]}}                          | 4  | tensor 'x' has no dtype string",
            "unknown field            | {\"x\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"y\":1}} | 1  | tensor 'x' has an unknown field 'y'",
            "negative dimension       | {\"x\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}        | 1  | shape must hold non-negative integers, found -1",
            "fractional dimension     | {\"x\":{\"dtype\":\"U8\",\"shape\":[1.5],\"data_offsets\":[0,1]}}       | 1  | shape must hold non-negative integers, found 1.5",
            "three offsets            | {\"x\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]}}       | 1  | data_offsets must be an array of 2 non-negative integers",
            "end before begin         | {\"x\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}         | 4  | data_offsets [4, 0] end before they begin",
            "size not dtype x shape   | {\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}        | 4  | tensor 'x' is F32 [2] = 8 bytes, but data_offsets [0, 4] span 4",
            "overflowing shape        | {\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}} | 4 | shape [4294967296, 4294967296] is too large",
            "huge claim, tiny file    | {\"x\":{\"dtype\":\"F32\",\"shape\":[1000000000],\"data_offsets\":[0,4000000000]}} | 4 | the header describes 4000000000 data bytes but the file holds 4",
            "beyond the data          | {\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}        | 4  | the header describes 8 data bytes but the file holds 4",
            "data after the tensors   | {\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}        | 8  | the header describes 4 data bytes but the file holds 8",
            "overlap                  | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}} | 12 | tensor 'b' begins at byte 4 of the data, expected 8 (it overlaps the previous tensor)",
            "gap                      | {\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}} | 12 | tensor 'b' begins at byte 8 of the data, expected 4 (gap before it)",
            "metadata not strings     | {\"__metadata__\":{\"k\":1}}                                            | 0  | __metadata__ value of 'k' must be a string",
    })
    void shouldExplainWhatIsWrongWhenTheHeaderIsInvalid(String caseName, String header, int dataBytes, String message) {
        byte[] file = file(header.strip(), new byte[dataBytes]);

        assertThatThrownBy(() -> Safetensors.read(file))
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining(message);
    }

    @Test
    void shouldRefuseFilesShorterThanTheLengthPrefix() {
        assertThatThrownBy(() -> Safetensors.read(new byte[] {1, 2, 3}))
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessage("not a safetensors file: 3 bytes, shorter than the 8-byte header length");
    }

    @Test
    void shouldRefuseAbsurdHeaderLengthsBeforeReadingThem() {
        byte[] huge = new byte[16];
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
        byte[] aboveLimit = new byte[16];
        ByteBuffer.wrap(aboveLimit).order(ByteOrder.LITTLE_ENDIAN).putLong(Safetensors.MAX_HEADER_BYTES + 1L);
        byte[] truncated = new byte[16];
        ByteBuffer.wrap(truncated).order(ByteOrder.LITTLE_ENDIAN).putLong(100);

        assertThatThrownBy(() -> Safetensors.read(huge))
                .hasMessage("not a safetensors file: header length 18446744073709551615 is outside 2..100000000 bytes");
        assertThatThrownBy(() -> Safetensors.read(aboveLimit)).hasMessageContaining("is outside 2..100000000 bytes");
        assertThatThrownBy(() -> Safetensors.read(truncated))
                .hasMessage("truncated safetensors file: header length is 100 bytes but only 8 bytes follow");
    }

    @Test
    void shouldAcceptTensorsInAnyHeaderOrderAndZeroSizedOnes() {
        String header = "{\"late\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[4,5]},"
                + "\"none\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]},"
                + "\"early\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}";
        byte[] data = {7, 0, 0, 0, 9};

        Map<String, Tensor> tensors = Safetensors.read(file(header, data)).tensors();

        assertThat(tensors.get("early").toLongArray()).containsExactly(7);
        assertThat(tensors.get("late").toLongArray()).containsExactly(9);
        assertThat(tensors.get("none").shape()).containsExactly(0, 3);
    }

    @Test
    void shouldOnlyEverThrowFormatErrorsWhenBytesAreCorrupted() {
        byte[] valid = Safetensors.write(Map.of(
                "a", Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}),
                "b", Tensor.ofInts(new long[] {3}, new int[] {5, 6, 7})), Map.of("k", "v"));
        Random random = new Random(42);
        for (int trial = 0; trial < 5000; trial++) {
            byte[] corrupt = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(10) == 0) {
                corrupt = Arrays.copyOf(corrupt, random.nextInt(corrupt.length));
            }
            byte[] input = corrupt;
            Throwable thrown = catchThrowable(() -> Safetensors.read(input));
            assertThat(thrown).as("trial %d", trial).satisfiesAnyOf(
                    t -> assertThat(t).isNull(),
                    t -> assertThat(t).isInstanceOf(SafetensorsFormatException.class));
        }
    }

    /** A file with the header padded as the spec asks. */
    private static byte[] file(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buffer = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            buffer.put((byte) ' ');
        }
        return buffer.put(data).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
