package dev.idstream.detect;

import dev.idstream.face.AlignmentTemplate;
import dev.idstream.face.FaceAligner;
import dev.idstream.face.FivePoints;
import dev.idstream.face.RgbImage;

/** The aligned face the generator's image branch takes: 512×512, as FantasyID's preprocessing (facexlib) makes it. */
public final class GeneratorCrop {

    public static final int SIZE = 512;

    /**
     * facexlib's 512×512 five-point template (FaceRestoreHelper, used by FantasyID and ConsisID), pixel-index
     * values +0.5, as fractions of the crop: more context around the face than ArcFace's tight template.
     */
    public static final AlignmentTemplate TEMPLATE = AlignmentTemplate.fromIndexPixels("facexlib-512", SIZE, new double[][] {
            {192.98138, 239.94708}, {318.90277, 240.19360}, {256.63416, 314.01935}, {201.26117, 371.41043}, {313.08905, 371.15118}},
            AlignmentTemplate.DEFAULT_FILL);

    private GeneratorCrop() {
    }

    public static RgbImage of(RgbImage image, FivePoints points) {
        return FaceAligner.align(image, points, TEMPLATE, SIZE);
    }
}
