package dev.idstream.features;

import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.face.AlignmentTemplate;
import dev.idstream.face.AnalyzedFace;
import dev.idstream.face.FaceAligner;
import dev.idstream.face.FaceAnalyzer;
import dev.idstream.face.RgbImage;
import java.awt.image.BufferedImage;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The face path for identity mixing's second reference, which detect never sees: the largest face (with the
 * grey-padding retry), its 512×512 aligned crop and FaceMesh points — what detect writes for the first reference.
 * The face bundle is loaded on the first mixing request only.
 */
final class SecondReferenceFace implements AutoCloseable {

    /** The aligned crop and the FaceMesh points (468×3 floats, source pixels) of one face. */
    record Face(BufferedImage alignedCrop, float[] points) {
    }

    /**
     * facexlib's 512×512 five-point template as fractions of the crop (pixel index + 0.5) / 512: the same crop
     * detect's FaceArtifacts makes for the first reference, so both identities are seen alike.
     */
    static final int CROP_SIZE = 512;
    static final AlignmentTemplate GENERATOR_TEMPLATE = AlignmentTemplate.fromIndexPixels("facexlib-512", CROP_SIZE, new double[][] {
            {192.98138, 239.94708}, {318.90277, 240.19360}, {256.63416, 314.01935}, {201.26117, 371.41043}, {313.08905, 371.15118}},
            AlignmentTemplate.DEFAULT_FILL);

    private final Supplier<ModelBundle> bundle;
    private final OrtRuntime runtime;
    private FaceAnalyzer analyzer;

    SecondReferenceFace(Supplier<ModelBundle> bundle, OrtRuntime runtime) {
        this.bundle = bundle;
        this.runtime = runtime;
    }

    synchronized Optional<Face> find(BufferedImage image) {
        if (analyzer == null) {
            analyzer = new FaceAnalyzer(bundle.get(), runtime);
        }
        RgbImage rgb = RgbImage.of(image);
        Optional<AnalyzedFace> face = analyzer.analyzeLargestWithRetry(rgb);
        return face.map(f -> new Face(FaceAligner.align(rgb, f.fivePoints(), GENERATOR_TEMPLATE, CROP_SIZE).toBufferedImage(),
                flatten(f.mesh().points())));
    }

    private static float[] flatten(double[][] points) {
        float[] out = new float[points.length * 3];
        for (int i = 0; i < points.length; i++) {
            for (int c = 0; c < 3; c++) {
                out[3 * i + c] = (float) points[i][c];
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (analyzer != null) {
            analyzer.close();
        }
    }
}
