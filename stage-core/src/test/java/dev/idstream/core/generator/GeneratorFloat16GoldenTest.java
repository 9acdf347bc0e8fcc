package dev.idstream.core.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.ModelPrecision;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.core.testing.CommittedBundles;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The float16 tiny bundle (models/generator-tiny-fp16) served by the same Java code as the float32 one: every role, fed
 * the float32 bundle's golden inputs as float32, matches its float32 PyTorch outputs within the bundle's own
 * {@code config.goldenTolerance.relative} (1e-2 of each output's largest magnitude; models/fantasyid/export.py says
 * why), and answers in float16.
 */
class GeneratorFloat16GoldenTest {

    private static GeneratorBundle fp16;
    private static double tolerance;

    @BeforeAll
    static void load() {
        fp16 = new GeneratorBundle(ModelBundle.load(CommittedBundles.folder("generator-tiny-fp16")), OrtRuntime.create(OrtSettings.cpu(2)));
        tolerance = fp16.bundle().config().path("goldenTolerance").path("relative").asDouble(Double.NaN);
    }

    @AfterAll
    static void close() {
        fp16.close();
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void shouldMatchFloat32GoldenWithinTheBundleToleranceWhenFloat16RoleIsFedFloat32(Role role) throws Exception {
        assertThat(fp16.bundle().model(role.key).precision()).isEqualTo(ModelPrecision.FLOAT16);
        assertThat(tolerance).as("config.goldenTolerance.relative").isBetween(1e-4, 1e-1);
        Map<String, Tensor> golden = Safetensors.read(Files.readAllBytes(
                CommittedBundles.folder("generator-tiny").resolve("golden/" + role.key + ".safetensors"))).tensors();
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        golden.forEach((name, t) -> {
            if (name.startsWith("input.")) {
                assertThat(t.dtype()).as(name).isIn(Tensor.DType.F32, Tensor.DType.I64);
                inputs.put(name.substring("input.".length()), t);
            }
        });
        Map<String, Tensor> outputs = fp16.session(role).run(inputs);

        int compared = 0;
        for (var e : golden.entrySet()) {
            if (!e.getKey().startsWith("output.")) {
                continue;
            }
            Tensor actual = outputs.get(e.getKey().substring("output.".length()));
            assertThat(actual.dtype()).as(e.getKey()).isEqualTo(Tensor.DType.F16);
            assertThat(actual.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
            float[] want = e.getValue().toFloatArray();
            float[] got = actual.toFloatArray();
            double maxDiff = 0;
            double scale = 0;
            for (int i = 0; i < want.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
                scale = Math.max(scale, Math.abs(want[i]));
            }
            assertThat(maxDiff / scale).as("max |fp16 onnx - fp32 torch| / max |torch| of %s %s", role, e.getKey())
                    .isLessThanOrEqualTo(tolerance);
            compared++;
        }
        assertThat(compared).isPositive();
    }
}
