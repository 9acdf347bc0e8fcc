package dev.idstream.core.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ONNX Runtime from Java against the PyTorch golden vectors of the tiny bundle (models/generator-tiny/golden,
 * written by models/fantasyid/export.py from the PyTorch modules): every output within 1e-4 absolute.
 */
class GeneratorGoldenTest {

    private static GeneratorBundle bundle;

    @BeforeAll
    static void load() {
        bundle = GeneratorBundle.loadDefault(OrtRuntime.create(OrtSettings.cpu(2)));
    }

    @AfterAll
    static void close() {
        bundle.close();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void shouldMatchPyTorchGoldenWhenRunFromJava(Role role) throws Exception {
        Map<String, Tensor> golden = golden(role);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        golden.forEach((name, t) -> {
            if (name.startsWith("input.")) {
                inputs.put(name.substring("input.".length()), t);
            }
        });
        OnnxSession session = bundle.session(role);
        Map<String, Tensor> outputs = session.run(inputs);

        int compared = 0;
        for (var e : golden.entrySet()) {
            if (!e.getKey().startsWith("output.")) {
                continue;
            }
            Tensor actual = outputs.get(e.getKey().substring("output.".length()));
            assertThat(actual).as(e.getKey()).isNotNull();
            assertThat(actual.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
            float[] want = e.getValue().toFloatArray();
            float[] got = actual.toFloatArray();
            double maxDiff = 0;
            for (int i = 0; i < want.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
            }
            assertThat(maxDiff).as("max |onnx - torch| of %s %s", role, e.getKey()).isLessThanOrEqualTo(1e-4);
            compared++;
        }
        assertThat(compared).isPositive();
    }

    /** The golden text_encoder input is the Python tokenizer's encoding of export.py's GOLDEN_PROMPTS. */
    @Test
    void shouldTokenizeLikeThePythonTokenizer() throws Exception {
        long[] ids = golden(Role.TEXT_ENCODER).get("input.input_ids").toLongArray();
        ByteTokenizer tokenizer = bundle.tokenizer();
        long[] cond = tokenizer.encode("a person smiling in a sunny park");
        long[] uncond = tokenizer.encode("");
        long[] expected = new long[cond.length + uncond.length];
        System.arraycopy(cond, 0, expected, 0, cond.length);
        System.arraycopy(uncond, 0, expected, cond.length, uncond.length);
        assertThat(ids).containsExactly(expected);
    }

    private static Map<String, Tensor> golden(Role role) throws Exception {
        return Safetensors.read(Files.readAllBytes(bundle.bundle().folder().resolve("golden").resolve(role.key + ".safetensors")))
                .tensors();
    }
}
