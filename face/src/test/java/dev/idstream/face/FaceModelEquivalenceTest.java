package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OnnxTensors;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converted ONNX models against the original TFJS models (pure-JS TensorFlow.js in Node) on a real
 * face and on seeded noise. Relative error = max |onnx - tfjs| / max |tfjs| per output.
 */
class FaceModelEquivalenceTest {

    private static final double MAX_RELATIVE_ERROR = 1e-4;
    private static final double MIN_EMBEDDING_COSINE = 0.9999;

    @TempDir
    static Path work;
    private static ModelBundle bundle;
    private static Map<String, float[]> tfjs;
    private static final List<TfjsReference.Case> onnxCases = new ArrayList<>();

    @BeforeAll
    static void runReference() throws Exception {
        Path data = ProjectPaths.sharedData();
        assumeTrue(Files.isDirectory(data), "shared test data " + data + " is absent");
        bundle = FaceTestBundle.get();
        RgbImage portrait = RgbImage.of(ImageIO.read(data.resolve("portraits/grace_hopper.jpg").toFile()));
        RgbImage face = RgbImage.of(ImageIO.read(data.resolve("faces/amy/amy1.png").toFile()));
        Random random = new Random(20240611);

        List<TfjsReference.Case> tfjsCases = new ArrayList<>();
        // graph models: both sides get the same normalized tensor
        addBoth(tfjsCases, "detector", "face", norm("detector", portrait.resize(256, 256)), 1, 256, 256, 3);
        addBoth(tfjsCases, "detector", "noise", noise(random, 256 * 256 * 3, -1, 1), 1, 256, 256, 3);
        addBoth(tfjsCases, "landmarks", "face", norm("landmarks", face.resize(192, 192)), 1, 192, 192, 3);
        addBoth(tfjsCases, "landmarks", "noise", noise(random, 192 * 192 * 3, 0, 1), 1, 192, 192, 3);
        // face-api and nsfwjs normalize inside their own code: TFJS gets raw RGB, ONNX the normalized tensor
        addRaw(tfjsCases, "identity", "face", face.resize(150, 150), 150);
        addRaw(tfjsCases, "identity", "noise", new RgbImage(150, 150, noise(random, 150 * 150 * 3, 0, 255)), 150);
        addRaw(tfjsCases, "fid_features", "face", face.resize(299, 299), 299);
        addRaw(tfjsCases, "fid_features", "noise", new RgbImage(299, 299, noise(random, 299 * 299 * 3, 0, 255)), 299);
        tfjs = TfjsReference.run(tfjsCases, work);
    }

    private static float[] norm(String role, RgbImage image) {
        return Normalization.of(bundle.model(role).preprocessing()).apply(image);
    }

    private static float[] noise(Random random, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * random.nextFloat();
        }
        return v;
    }

    private static void addBoth(List<TfjsReference.Case> tfjsCases, String model, String name, float[] input, long... shape) {
        tfjsCases.add(new TfjsReference.Case(model, name, input, shape));
        onnxCases.add(new TfjsReference.Case(model, name, input, shape));
    }

    private static void addRaw(List<TfjsReference.Case> tfjsCases, String model, String name, RgbImage image, int size) {
        tfjsCases.add(new TfjsReference.Case(model, name, image.data(), new long[] {1, size, size, 3}));
        onnxCases.add(new TfjsReference.Case(model, name, norm(model, image), new long[] {1, size, size, 3}));
    }

    private static void compareRole(String role, boolean embedding) {
        OrtRuntime runtime = OrtRuntime.create(OrtSettings.cpu(2));
        try (OnnxSession session = bundle.open(runtime, role)) {
            String input = session.inputs().get(0).name();
            for (TfjsReference.Case c : onnxCases.stream().filter(c -> c.model().equals(role)).toList()) {
                Map<String, Tensor> out = session.run(Map.of(input, OnnxTensors.f32(c.input(), c.shape())));
                assertThat(out).isNotEmpty();
                for (var e : out.entrySet()) {
                    float[] expected = tfjs.get(role + "/" + c.name() + "/" + e.getKey());
                    assertThat(expected).as("TFJS output %s of %s/%s", e.getKey(), role, c.name()).isNotNull();
                    float[] actual = OnnxTensors.floats(e.getValue());
                    assertThat(actual).hasSameSizeAs(expected);
                    double rel = relativeError(actual, expected);
                    System.out.printf("%s/%s/%s: max relative error %.3g%n", role, c.name(), e.getKey(), rel);
                    assertThat(rel).as("%s/%s/%s relative error", role, c.name(), e.getKey()).isLessThanOrEqualTo(MAX_RELATIVE_ERROR);
                    if (embedding) {
                        double cos = cosine(actual, expected);
                        System.out.printf("%s/%s/%s: cosine %.8f%n", role, c.name(), e.getKey(), cos);
                        assertThat(cos).isGreaterThanOrEqualTo(MIN_EMBEDDING_COSINE);
                    }
                }
            }
        }
    }

    static double relativeError(float[] actual, float[] expected) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) actual[i] - expected[i]));
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void shouldMatchTfjsWhenRunningBlazeFace() {
        compareRole("detector", false);
    }

    @Test
    void shouldMatchTfjsWhenRunningFaceMesh() {
        compareRole("landmarks", false);
    }

    @Test
    void shouldMatchFaceApiWhenRunningFaceRecognitionNet() {
        compareRole("identity", true);
    }

    @Test
    void shouldMatchNsfwjsWhenRunningInceptionFeatures() {
        compareRole("fid_features", true);
    }
}
