package dev.idstream.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idstream.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OrtRuntime RUNTIME = new OrtRuntime(OrtSettings.cpu(1), GpuDevicesTestSupport.none());

    @TempDir
    Path dir;

    @BeforeEach
    void writeBundle() throws IOException {
        TestModels.scaleAndShift(dir.resolve("small.onnx"), 4, false);
        TestModels.scaleAndShift(dir.resolve("large.onnx"), 1024, true);
    }

    private ObjectNode manifest() {
        ObjectNode root = JSON.createObjectNode().put("format", 1).put("name", "test").put("version", "1.0.0")
                .put("kind", "generator").put("description", "tiny graphs");
        ObjectNode models = root.putObject("models");
        model(models, "small", "small.onnx", 4, null);
        model(models, "large", "large.onnx", 1024, "large.onnx.data");
        root.putObject("config").put("steps", 2);
        return root;
    }

    private void model(ObjectNode models, String role, String file, int n, String external) {
        ObjectNode m = models.putObject(role).put("file", file).put("sha256", ModelBundle.sha256(dir.resolve(file)));
        if (external != null) {
            m.putArray("externalData").addObject().put("file", external).put("sha256", ModelBundle.sha256(dir.resolve(external)));
        }
        spec(m.putArray("inputs"), "x", n);
        spec(m.putArray("outputs"), "y", n);
        m.putObject("preprocessing").put("note", "none");
    }

    private static void spec(ArrayNode array, String name, int n) {
        array.addObject().put("name", name).put("dtype", "float32").putArray("shape").add(-1).add(n);
    }

    private ModelBundle save(ObjectNode root) throws IOException {
        JSON.writeValue(dir.resolve("bundle.json").toFile(), root);
        return ModelBundle.load(dir);
    }

    @Test
    void shouldLoadAndRunWhenHashesAndShapesMatch() throws IOException {
        ModelBundle bundle = save(manifest());

        assertThat(bundle.id()).isEqualTo("test@1.0.0");
        assertThat(bundle.roles()).containsExactlyInAnyOrder("small", "large");
        assertThat(bundle.config().path("steps").asInt()).isEqualTo(2);
        try (OnnxSession session = bundle.open(RUNTIME, "small")) {
            Map<String, Tensor> out = session.run(Map.of("x", OnnxTensors.f32(new float[] {1, 2, 3, 4}, 1, 4)));
            assertThat(OnnxTensors.floats(out.get("y"))).containsExactly(2, 5, 8, 11);
        }
    }

    @Test
    void shouldLoadExternalDataByPathWhenModelKeepsWeightsOutside() throws IOException {
        ModelBundle bundle = save(manifest());

        try (OnnxSession session = bundle.open(RUNTIME, "large")) {
            float[] x = new float[1024];
            float[] y = OnnxTensors.floats(session.run(Map.of("x", OnnxTensors.f32(x, 1, 1024))).get("y"));
            assertThat(y[0]).isEqualTo(0f);
            assertThat(y[13]).isEqualTo(13 % 7);
        }
    }

    @Test
    void shouldListEveryProblemWhenFilesAreTamperedOrMissing() throws IOException {
        ObjectNode root = manifest();
        Files.write(dir.resolve("small.onnx"), new byte[] {1, 2, 3});
        Files.delete(dir.resolve("large.onnx.data"));

        assertThatThrownBy(() -> save(root))
                .isInstanceOf(BundleException.class)
                .satisfies(e -> assertThat(((BundleException) e).problems()).hasSize(2))
                .hasMessageContaining("role small (small.onnx): sha256 of small.onnx is")
                .hasMessageContaining("external data large.onnx.data: file large.onnx.data is missing");
    }

    @Test
    void shouldAcceptADeclaredSizeWhereTheGraphDimensionIsDynamic() throws IOException {
        ObjectNode root = manifest();
        ObjectNode small = (ObjectNode) root.path("models").path("small");
        ((ArrayNode) small.path("inputs").get(0).path("shape")).set(0, 3); // the graph says -1
        ((ArrayNode) small.path("outputs").get(0).path("shape")).set(0, 3);
        ModelBundle bundle = save(root);

        try (OnnxSession session = bundle.open(RUNTIME, "small")) {
            assertThat(session.inputs().get(0).shape()[0]).isEqualTo(-1);
        }
    }

    @Test
    void shouldReportEachShapeMismatchWhenOpeningRole() throws IOException {
        ObjectNode root = manifest();
        ObjectNode small = (ObjectNode) root.path("models").path("small");
        ((ArrayNode) small.path("inputs").get(0).path("shape")).set(1, 5);
        ((ObjectNode) small.path("outputs").get(0)).put("name", "z");
        ModelBundle bundle = save(root);

        assertThatThrownBy(() -> bundle.open(RUNTIME, "small"))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("input 'x' is declared float32[-1, 5] but the graph has float32[-1, 4]")
                .hasMessageContaining("declared output 'z' is not in the graph")
                .hasMessageContaining("graph output 'y' is not declared");
    }

    @Test
    void shouldRejectManifestWhenFormatIsUnknownOrFilesLeaveTheFolder() throws IOException {
        ObjectNode root = manifest().put("format", 2);
        ((ObjectNode) root.path("models").path("small")).put("file", "../outside.onnx");

        assertThatThrownBy(() -> save(root))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("format is 2, this build reads format 1")
                .hasMessageContaining("file ../outside.onnx is outside the bundle folder");
    }

    @Test
    void shouldNameKnownRolesWhenRoleIsUnknown() throws IOException {
        ModelBundle bundle = save(manifest());

        assertThatThrownBy(() -> bundle.model("vae_decoder"))
                .hasMessage("bundle test@1.0.0 has no role 'vae_decoder'; roles: " + bundle.roles());
    }

    @Test
    void shouldReadPrecisionWhenDeclaredAndTakeFloat32WhenAbsent() throws IOException {
        ObjectNode root = manifest();
        ((ObjectNode) root.path("models").path("large")).put("precision", "float16");
        ModelBundle bundle = save(root);

        assertThat(bundle.model("small").precision()).isEqualTo(ModelPrecision.FLOAT32);
        assertThat(bundle.model("large").precision()).isEqualTo(ModelPrecision.FLOAT16);
    }

    @Test
    void shouldNameFieldAndKnownValuesWhenPrecisionIsUnknown() throws IOException {
        ObjectNode root = manifest();
        ((ObjectNode) root.path("models").path("small")).put("precision", "fp16");
        ((ObjectNode) root.path("models").path("large")).put("precision", 16);

        assertThatThrownBy(() -> save(root))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("role small: \"precision\" is \"fp16\"; it must be one of float32, float16, bfloat16 (absent means float32)")
                .hasMessageContaining("role large: \"precision\" is 16; it must be one of");
    }

    /** ONNX Runtime's CPU provider has no bfloat16 Add; its own error names a node, ours says what to do. */
    @Test
    void shouldRefuseBfloat16RoleBeforeOnnxRuntimeWhenRuntimeIsOnCpu() throws IOException {
        TestModels.doubling(dir.resolve("bf16.onnx"), ai.onnx.proto.OnnxMl.TensorProto.DataType.BFLOAT16_VALUE, 4);
        ObjectNode root = manifest();
        ObjectNode bf = ((ObjectNode) root.path("models")).putObject("denoiser").put("file", "bf16.onnx")
                .put("sha256", ModelBundle.sha256(dir.resolve("bf16.onnx")));
        bf.putArray("inputs").addObject().put("name", "x").put("dtype", "bfloat16").putArray("shape").add(1).add(4);
        bf.putArray("outputs").addObject().put("name", "y").put("dtype", "bfloat16").putArray("shape").add(1).add(4);
        assertThatThrownBy(() -> save(root))
                .as("half-precision I/O without the precision field")
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("role denoiser declares x (bfloat16), y (bfloat16) but no \"precision\"");

        bf.put("precision", "bfloat16");
        ModelBundle declared = save(root);

        assertThatThrownBy(() -> declared.open(RUNTIME, "denoiser"))
                .isInstanceOf(OnnxException.class)
                .hasMessageStartingWith("generator bundle test@1.0.0 role denoiser is bfloat16; ONNX Runtime's CPU provider"
                        + " has no bfloat16 kernels, and this runtime is on CPU (");
    }
}
