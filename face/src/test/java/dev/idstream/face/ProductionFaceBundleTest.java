package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.idstream.core.onnx.BundleException;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A production-style face bundle (SCRFD or RetinaFace detector, ArcFace identity, pytorch-fid Inception) assembled
 * as models/README.md says, from small real ONNX graphs with those models' input/output layouts: detector outputs
 * are constants encoding known faces, identity and FID outputs a known function of the input's channel means. The
 * bundle goes through the normal loader (sha256, declared shapes against the graphs) and the toolkit classes.
 */
class ProductionFaceBundleTest {

    private static final OrtRuntime RUNTIME = OrtRuntime.create(OrtSettings.cpu(1));
    private static final String FIVE_KEYPOINTS = "[\"eyeImageLeft\", \"eyeImageRight\", \"nose\", \"mouthImageLeft\", \"mouthImageRight\"]";

    @TempDir
    Path dir;

    // ---- SCRFD: 160x160 input, strides 8/16/32, 2 anchors per location, image 320x200 placed top-left at scale 0.5

    private static final int[] SCRFD_STRIDES = {8, 16, 32};

    private TestBundleWriter scrfdBundle() {
        Map<String, OnnxTestGraphs.Constant> outputs = new LinkedHashMap<>();
        Map<Integer, float[][]> levels = new LinkedHashMap<>();   // stride -> scores, boxes, keypoints
        for (int s : SCRFD_STRIDES) {
            int anchors = (160 / s) * (160 / s) * 2;
            levels.put(s, new float[][] {new float[anchors], new float[anchors * 4], new float[anchors * 10]});
        }
        // face A: stride 16, cell (x 4, y 2), anchor 1 -> index (2*10+4)*2+1 = 49, centre (64, 32)
        setScrfdAnchor(levels.get(16), 49, 0.9f, new float[] {1, 1.5f, 1, 1.5f},
                new float[] {-0.5f, -0.5f, 0.5f, -0.5f, 0, 0.25f, -0.4f, 0.75f, 0.4f, 0.75f});
        // the same face seen at stride 8, cell (8, 4), anchor 0 -> index 176, same box, lower score: suppressed
        setScrfdAnchor(levels.get(8), 176, 0.7f, new float[] {2, 3, 2, 3}, new float[10]);
        // face B: stride 32, cell (3, 1), anchor 0 -> index 16, centre (96, 32), touching A without overlap
        setScrfdAnchor(levels.get(32), 16, 0.8f, new float[] {0.5f, 0.5f, 0.5f, 0.5f},
                new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f});
        // below minScore
        setScrfdAnchor(levels.get(8), 0, 0.3f, new float[] {1, 1, 1, 1}, new float[10]);
        Map<String, long[]> declared = new LinkedHashMap<>();
        String[] kinds = {"score", "bbox", "kps"};
        int[] widths = {1, 4, 10};
        for (int k = 0; k < 3; k++) {
            for (int s : SCRFD_STRIDES) {
                int anchors = (160 / s) * (160 / s) * 2;
                String name = kinds[k] + "_" + s;
                outputs.put(name, new OnnxTestGraphs.Constant(new long[] {-1, widths[k]}, new long[] {anchors, widths[k]}, levels.get(s)[k]));
                declared.put(name, new long[] {anchors, widths[k]});
            }
        }
        Path onnx = OnnxTestGraphs.constants(dir.resolve("det_10g.onnx"), "input.1", new long[] {1, 3, -1, -1}, outputs);
        TestBundleWriter bundle = new TestBundleWriter(dir, "test-production-face")
                .role("detector", onnx, Map.of("input.1", new long[] {1, 3, -1, -1}), declared, """
                        {"family": "scrfd", "inputSize": [160, 160], "layout": "NCHW", "colorOrder": "RGB",
                         "mean": [127.5, 127.5, 127.5], "std": [128.0, 128.0, 128.0], "letterbox": "topLeft",
                         "strides": [8, 16, 32], "anchorsPerLocation": 2, "keypoints": %s,
                         "outputs": {"scores": {"8": "score_8", "16": "score_16", "32": "score_32"},
                                     "boxes": {"8": "bbox_8", "16": "bbox_16", "32": "bbox_32"},
                                     "keypoints": {"8": "kps_8", "16": "kps_16", "32": "kps_32"}}}
                        """.formatted(FIVE_KEYPOINTS));
        bundle.config().putObject("detector").put("minScore", 0.5).put("iouThreshold", 0.4).put("maxFaces", 10);
        return bundle;
    }

    private static void setScrfdAnchor(float[][] level, int index, float score, float[] distances, float[] keypoints) {
        level[0][index] = score;
        System.arraycopy(distances, 0, level[1], index * 4, 4);
        System.arraycopy(keypoints, 0, level[2], index * 10, 10);
    }

    @Test
    void shouldDecodeScrfdFacesInImageCoordinatesWhenImageIsLetterboxedTopLeft() {
        ModelBundle bundle = FaceBundles.load(scrfdBundle().write());
        try (FaceDetector detector = new FaceDetector(bundle, RUNTIME)) {
            List<Detection> faces = detector.detect(uniform(320, 200));

            assertThat(detector.family()).isEqualTo("scrfd");
            assertThat(faces).hasSize(2);
            // A: input box (48, 8)-(80, 56) and points around (64, 32), divided by the scale 0.5
            assertDetection(faces.get(0), 0.9, new double[] {96, 16, 160, 112},
                    new double[][] {{112, 48}, {144, 48}, {128, 72}, {115.2, 88}, {140.8, 88}});
            // B: input box (80, 16)-(112, 48), points at (96, 32) + 0.25 * 32
            assertDetection(faces.get(1), 0.8, new double[] {160, 32, 224, 96},
                    new double[][] {{208, 80}, {208, 80}, {208, 80}, {208, 80}, {208, 80}});
        }
    }

    // ---- RetinaFace: 96x128 (h x w) input, priors 16/32, 64/128, 256/512 at steps 8/16/32; image 200x100
    //      letterboxed centred at scale 0.64, 16 rows of border above

    private TestBundleWriter retinaFaceBundle() {
        int priors = 12 * 16 * 2 + 6 * 8 * 2 + 3 * 4 * 2;   // 504
        float[] boxes = new float[priors * 4];
        float[] scores = new float[priors * 2];
        float[] landmarks = new float[priors * 10];
        for (int i = 0; i < priors; i++) {
            scores[2 * i + 1] = -5;   // background everywhere: softmax face probability 0.0067
        }
        // prior 422 = 384 + (row 2 * 8 + col 3) * 2 + 0: step 16, centre (56, 40), size 64
        int face = 422;
        System.arraycopy(new float[] {0.5f, -0.25f, (float) (Math.log(0.75) / 0.2), 0}, 0, boxes, face * 4, 4);
        scores[2 * face + 1] = 2;
        System.arraycopy(new float[] {-1, -1, 1, -1, 0, 0.5f, -1, 2, 1, 2}, 0, landmarks, face * 10, 10);
        // prior 423: same centre, size 128, regressed onto the same box with a lower score: suppressed
        int twin = 423;
        System.arraycopy(new float[] {0.25f, -0.125f, (float) (Math.log(0.375) / 0.2), (float) (Math.log(0.5) / 0.2)}, 0,
                boxes, twin * 4, 4);
        scores[2 * twin + 1] = 1;
        Map<String, OnnxTestGraphs.Constant> outputs = new LinkedHashMap<>();
        outputs.put("output", new OnnxTestGraphs.Constant(new long[] {1, -1, 4}, new long[] {1, priors, 4}, boxes));
        outputs.put("outputt", new OnnxTestGraphs.Constant(new long[] {1, -1, 2}, new long[] {1, priors, 2}, scores));
        outputs.put("outputtt", new OnnxTestGraphs.Constant(new long[] {1, -1, 10}, new long[] {1, priors, 10}, landmarks));
        Path onnx = OnnxTestGraphs.constants(dir.resolve("FaceDetector.onnx"), "input", new long[] {1, 3, -1, -1}, outputs);
        Map<String, long[]> declared = new LinkedHashMap<>();
        declared.put("output", new long[] {1, priors, 4});
        declared.put("outputt", new long[] {1, priors, 2});
        declared.put("outputtt", new long[] {1, priors, 10});
        TestBundleWriter bundle = new TestBundleWriter(dir, "test-retinaface")
                .role("detector", onnx, Map.of("input", new long[] {1, 3, 96, 128}), declared, """
                        {"family": "retinaface", "inputSize": [96, 128], "layout": "NCHW", "colorOrder": "BGR",
                         "mean": [104.0, 117.0, 123.0], "std": [1.0, 1.0, 1.0], "letterbox": "center",
                         "steps": [8, 16, 32], "minSizes": [[16, 32], [64, 128], [256, 512]], "variances": [0.1, 0.2],
                         "scoreActivation": "softmax", "keypoints": %s,
                         "outputs": {"boxes": "output", "scores": "outputt", "keypoints": "outputtt"}}
                        """.formatted(FIVE_KEYPOINTS));
        bundle.config().putObject("detector").put("minScore", 0.5).put("iouThreshold", 0.4).put("maxFaces", 10);
        return bundle;
    }

    @Test
    void shouldDecodeRetinaFacePriorsInImageCoordinatesWhenInputIsNotSquare() {
        ModelBundle bundle = FaceBundles.load(retinaFaceBundle().write());
        try (FaceDetector detector = new FaceDetector(bundle, RUNTIME)) {
            List<Detection> faces = detector.detect(uniform(200, 100));

            assertThat(faces).hasSize(1);
            // input box: centre (56 + 0.5*0.1*64, 40 - 0.25*6.4) = (59.2, 38.4), size (64*0.75, 64) -> (35.2, 6.4)-(83.2, 70.4);
            // image = (x / 0.64, (y - 16) / 0.64); landmarks at the prior centre + offsets * 6.4
            assertDetection(faces.get(0), 1 / (1 + Math.exp(-2)), new double[] {55, -15, 130, 85},
                    new double[][] {{77.5, 27.5}, {97.5, 27.5}, {87.5, 42.5}, {77.5, 57.5}, {97.5, 57.5}});
        }
    }

    // ---- ArcFace identity and pytorch-fid features

    private static final float[] RGB = {200, 100, 50};

    private TestBundleWriter withIdentityAndFid(TestBundleWriter bundle) {
        float[][] arcWeights = new float[3][512];
        for (int k = 0; k < 512; k++) {
            arcWeights[k % 3][k] = 1 + k / 512f;
        }
        Path arc = OnnxTestGraphs.channelMeansTimes(dir.resolve("w600k_r50.onnx"), "input.1", new long[] {-1, 3, 112, 112},
                "embedding_512", new long[] {-1, 512}, arcWeights);
        float[][] fidWeights = new float[3][2048];
        for (int k = 0; k < 2048; k++) {
            fidWeights[k % 3][k] = 1;
        }
        Path fid = OnnxTestGraphs.channelMeansTimes(dir.resolve("pt_inception-2015-12-05.onnx"), "x", new long[] {-1, 3, 299, 299},
                "pool3", new long[] {-1, 2048, 1, 1}, fidWeights);
        return bundle
                .role("identity", arc, Map.of("input.1", new long[] {-1, 3, 112, 112}), Map.of("embedding_512", new long[] {-1, 512}), """
                        {"family": "arcface", "inputSize": [112, 112], "layout": "NCHW", "colorOrder": "BGR",
                         "mean": [127.5, 127.5, 127.5], "std": [127.5, 127.5, 127.5], "embeddingSize": 512,
                         "alignment": {"name": "arcface", "size": 112, "fill": 0,
                                       "indexPixels": [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                                                       [41.5493, 92.3655], [70.7299, 92.2041]]}}
                        """)
                .role("fid_features", fid, Map.of("x", new long[] {-1, 3, 299, 299}), Map.of("pool3", new long[] {-1, 2048, 1, 1}), """
                        {"family": "inception-v3", "inputSize": [299, 299], "layout": "NCHW", "colorOrder": "RGB",
                         "mean": [0.0, 0.0, 0.0], "std": [255.0, 255.0, 255.0], "featureSize": 2048}
                        """);
    }

    @Test
    void shouldEmbedWithArcFaceConstantsWhenInputIsChannelsFirstBgr() {
        ModelBundle bundle = FaceBundles.load(withIdentityAndFid(scrfdBundle()).write());
        try (FaceEmbedder embedder = new FaceEmbedder(bundle, RUNTIME)) {
            float[] e = embedder.embedAligned(uniform(112, 112));

            // model channels B, G, R, each (x - 127.5) / 127.5; output k = channel (k % 3) * (1 + k / 512), then L2
            double[] channel = {(RGB[2] - 127.5) / 127.5, (RGB[1] - 127.5) / 127.5, (RGB[0] - 127.5) / 127.5};
            double[] expected = new double[512];
            double norm = 0;
            for (int k = 0; k < 512; k++) {
                expected[k] = channel[k % 3] * (1 + k / 512.0);
                norm += expected[k] * expected[k];
            }
            assertThat(embedder.embeddingSize()).isEqualTo(512);
            assertThat(embedder.inputSize()).isEqualTo(112);
            assertThat(e).hasSize(512);
            for (int k = 0; k < 512; k++) {
                assertThat((double) e[k]).as("embedding[%d]", k).isCloseTo(expected[k] / Math.sqrt(norm), within(1e-5));
            }
            assertThat(embedder.template().fill()).isZero();
            for (int i = 0; i < 5; i++) {
                assertThat(embedder.template().points()[i]).containsExactly(AlignmentTemplate.ARCFACE.points()[i]);
            }
        }
    }

    @Test
    void shouldAlignToTheArcFaceTemplateWhenEmbeddingFromFivePoints() {
        ModelBundle bundle = FaceBundles.load(withIdentityAndFid(scrfdBundle()).write());
        try (FaceEmbedder embedder = new FaceEmbedder(bundle, RUNTIME)) {
            // five points that are the template itself at 2x, offset by (40, 30): the crop lies inside the uniform image
            double[][] points = new double[5][];
            for (int i = 0; i < 5; i++) {
                points[i] = new double[] {40 + 224 * AlignmentTemplate.ARCFACE.points()[i][0], 30 + 224 * AlignmentTemplate.ARCFACE.points()[i][1]};
            }
            float[] fromPoints = embedder.embed(uniform(320, 300), new FivePoints(points));

            assertThat(fromPoints).containsExactly(embedder.embedAligned(uniform(112, 112)), within(1e-5f));
        }
    }

    @Test
    void shouldReadPytorchFidFeaturesWhenOutputIsPooledFourDimensional() {
        ModelBundle bundle = FaceBundles.load(withIdentityAndFid(scrfdBundle()).write());
        try (InceptionFeatures inception = new InceptionFeatures(bundle, RUNTIME)) {
            float[] f = inception.features(uniform(400, 300));

            assertThat(inception.featureSize()).isEqualTo(2048);
            assertThat(f).hasSize(2048);
            // ONNX Runtime's float32 ReduceMean over 299 x 299 pixels is good to about 1e-4
            for (int k = 0; k < 2048; k++) {
                assertThat((double) f[k]).as("feature[%d]", k).isCloseTo(RGB[k % 3] / 255.0, within(2e-4));
            }
        }
    }

    // ---- bundles that must be refused, naming the field

    @Test
    void shouldNameTheFieldWhenDetectorFamilyIsUnknown() {
        TestBundleWriter bundle = scrfdBundle();
        bundle.preprocessing("detector").put("family", "yolo-face");

        assertThatThrownBy(() -> FaceBundles.load(bundle.write())).isInstanceOf(BundleException.class)
                .hasMessageContaining("role detector: preprocessing.family 'yolo-face' is not a detector family")
                .hasMessageContaining("blazeface | scrfd | retinaface");
    }

    @Test
    void shouldNameEveryMissingConstantWhenScrfdBlockIsIncomplete() {
        TestBundleWriter bundle = scrfdBundle();
        bundle.preprocessing("detector").remove("anchorsPerLocation");
        bundle.preprocessing("detector").with("outputs").with("keypoints").remove("16");
        bundle.preprocessing("detector").put("letterbox", "stretch");

        assertThatThrownBy(() -> FaceBundles.load(bundle.write())).isInstanceOf(BundleException.class)
                .satisfies(e -> assertThat(((BundleException) e).problems()).contains(
                        "role detector: preprocessing.anchorsPerLocation is missing; it must be a positive integer "
                                + "(anchors per feature-map location, 2 for SCRFD)",
                        "role detector: preprocessing.outputs.keypoints.16 is missing; it must be a name "
                                + "(name of the stride-16 keypoint output)",
                        "role detector: preprocessing.letterbox 'stretch' is not one of center | topLeft"));
    }

    @Test
    void shouldNameTheOutputWhenItsSizeDoesNotFitTheInputSize() {
        TestBundleWriter bundle = scrfdBundle();
        bundle.preprocessing("detector").putArray("inputSize").add(192).add(192);

        assertThatThrownBy(() -> FaceBundles.load(bundle.write())).isInstanceOf(BundleException.class)
                .hasMessageContaining("output 'score_8' holds 800 values, the scrfd decoder reads 1152 from it at inputSize [192, 192]");
    }

    @Test
    void shouldNameTheInputWhenLayoutContradictsTheDeclaredShape() {
        TestBundleWriter bundle = retinaFaceBundle();
        bundle.preprocessing("detector").put("layout", "NHWC");

        assertThatThrownBy(() -> FaceBundles.load(bundle.write())).isInstanceOf(BundleException.class)
                .hasMessageContaining("role detector: input 'input' is declared [1, 3, 96, 128], but preprocessing "
                        + "(inputSize [96, 128], layout NHWC) means [1, 96, 128, 3]");
    }

    @Test
    void shouldNameTheMissingPriorConstantsWhenRetinaFaceBlockIsIncomplete() {
        TestBundleWriter bundle = retinaFaceBundle();
        bundle.preprocessing("detector").remove("variances");
        bundle.preprocessing("detector").remove("minSizes");

        assertThatThrownBy(() -> FaceBundles.load(bundle.write())).isInstanceOf(BundleException.class)
                .hasMessageContaining("preprocessing.variances is missing")
                .hasMessageContaining("preprocessing.minSizes is missing");
    }

    @Test
    void shouldNameEmbeddingSizeWhenItContradictsTheDeclaredOutput() {
        TestBundleWriter bundle = withIdentityAndFid(scrfdBundle());
        bundle.preprocessing("identity").put("embeddingSize", 128);
        bundle.preprocessing("fid_features").put("layout", "NHWC");

        assertThatThrownBy(() -> FaceBundles.load(bundle.write())).isInstanceOf(BundleException.class)
                .hasMessageContaining("role identity: preprocessing.embeddingSize is 128 but output 'embedding_512' holds 512 values per image");
        bundle.preprocessing("identity").put("embeddingSize", 512);
        assertThatThrownBy(() -> FaceBundles.load(bundle.write())).isInstanceOf(BundleException.class)
                .hasMessageContaining("role fid_features: input 'x' is declared [-1, 3, 299, 299], but preprocessing "
                        + "(inputSize [299, 299], layout NHWC) means [-1, 299, 299, 3]");
    }

    private static RgbImage uniform(int width, int height) {
        float[] data = new float[width * height * 3];
        for (int i = 0; i < data.length; i += 3) {
            System.arraycopy(RGB, 0, data, i, 3);
        }
        return new RgbImage(width, height, data);
    }

    private static void assertDetection(Detection d, double score, double[] box, double[][] keypoints) {
        assertThat(d.score()).isCloseTo(score, within(1e-6));
        assertThat(new double[] {d.x0(), d.y0(), d.x1(), d.y1()}).containsExactly(box, within(1e-4));
        assertThat(d.keypoints().length).isEqualTo(keypoints.length);
        for (int i = 0; i < keypoints.length; i++) {
            assertThat(d.keypoints()[i]).as("keypoint %d", i).containsExactly(keypoints[i], within(1e-4));
        }
    }
}
