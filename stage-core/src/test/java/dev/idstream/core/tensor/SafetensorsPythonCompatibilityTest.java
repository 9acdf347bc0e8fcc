package dev.idstream.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.idstream.core.tensor.Tensor.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our files against an independent reader and writer: {@code src/test/python/safetensors_check.py}, which parses
 * the format per the spec with numpy and checks our F16 rounding against numpy's (and BF16 against torch's when
 * Debian's python3-torch is installed). Needs Debian's {@code python3-numpy}: it runs {@code /usr/bin/python3}, not
 * whatever python comes first on the PATH.
 */
class SafetensorsPythonCompatibilityTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src/test/python/safetensors_check.py");

    @TempDir
    Path dir;

    @BeforeAll
    static void requireNumpy() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3: apt-get install -y python3-numpy");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "Debian's python3-numpy is not installed: apt-get install -y python3-numpy");
    }

    @Test
    void shouldBeReadableByNumpyAndReadWhatPythonWrites() throws Exception {
        Path ours = dir.resolve("java.safetensors");
        Path theirs = dir.resolve("python.safetensors");
        float[] source = roundingCases();
        long[] sourceShape = {source.length};
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("source_f32", Tensor.ofFloats(sourceShape, source));
        tensors.put("as_f16", Tensor.ofFloats(sourceShape, source, DType.F16));
        tensors.put("as_bf16", Tensor.ofFloats(sourceShape, source, DType.BF16));
        tensors.put("matrix", Tensor.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        tensors.put("ids", Tensor.ofLongs(new long[] {3}, new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}));
        tensors.put("counts", Tensor.ofInts(new long[] {2, 1}, new int[] {-7, Integer.MAX_VALUE}));
        tensors.put("pixels", Tensor.ofUnsignedBytes(new long[] {3}, new byte[] {0, (byte) 128, (byte) 255}));
        Files.write(ours, Safetensors.write(tensors, Map.of("producer", "idstream", "note", "grüße")));

        String report = runPython(ours, theirs);

        assertThat(report).contains("\"ok\": true").contains("f16_rounding_vs_numpy");
        Safetensors.Contents fromPython = Safetensors.read(Files.readAllBytes(theirs));
        assertThat(fromPython.metadata()).containsExactly(Map.entry("format", "pt"));
        assertThat(fromPython.tensors().get("zeta").shape()).containsExactly(2, 2);
        assertThat(fromPython.tensors().get("zeta").toFloatArray()).containsExactly(0.5f, -1.25f, 3.0f, 1e-8f);
        assertThat(fromPython.tensors().get("alpha").dtype()).isEqualTo(DType.F16);
        assertThat(fromPython.tensors().get("alpha").toFloatArray())
                .containsExactly(1.0f, 0.099975586f, -65504.0f, 5.9604645e-8f);
        assertThat(fromPython.tensors().get("mid").shape()).containsExactly(1, 1, 2);
        assertThat(fromPython.tensors().get("mid").toLongArray()).containsExactly(1, -2);
        assertThat(fromPython.tensors().get("bytes").toLongArray()).containsExactly(9, 250);
    }

    /** Special values, rounding ties and random floats across the whole float16 range and beyond. */
    private static float[] roundingCases() {
        List<Float> values = new ArrayList<>(List.of(0f, -0f, 1f, -2f, 0.1f, 1f / 3, 65504f, 65519.99f, 65520f, 1e6f,
                Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE,
                6.1035156e-5f, 6.097555e-5f, 5.9604645e-8f, 2.9802322e-8f, 4.4703484e-8f, 1e-9f,
                Float.intBitsToFloat(0x3F801000), Float.intBitsToFloat(0x3F803000),
                Float.intBitsToFloat(0x3F808000), Float.intBitsToFloat(0x3F818000)));
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            float magnitude = (float) Math.scalb(1.0 + random.nextDouble(), random.nextInt(50) - 30);
            values.add(random.nextBoolean() ? magnitude : -magnitude);
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private String runPython(Path ours, Path theirs) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), ours.toString(), theirs.toString())
                .redirectErrorStream(true)
                .start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("python finished in time; output so far: %s", output).isTrue();
        assertThat(process.exitValue()).as("python output: %s", output).isZero();
        return output;
    }
}
