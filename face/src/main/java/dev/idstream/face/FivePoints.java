package dev.idstream.face;

/**
 * The 5-point set used for alignment, in image coordinates, ordered as in insightface/ArcFace:
 * eye on the image's left, eye on the image's right, nose tip, mouth corner on the image's left,
 * mouth corner on the image's right.
 */
public record FivePoints(double[][] points) {

    // FaceMesh indices: eye corners (33/133 and 362/263), nose tip 1, mouth corners 61 and 291
    private static final int[] EYE_IMAGE_LEFT = {33, 133};
    private static final int[] EYE_IMAGE_RIGHT = {362, 263};
    private static final int NOSE_TIP = 1;
    private static final int MOUTH_IMAGE_LEFT = 61;
    private static final int MOUTH_IMAGE_RIGHT = 291;

    public FivePoints {
        if (points.length != 5) {
            throw new IllegalArgumentException("five points expected, got " + points.length);
        }
    }

    public static FivePoints fromMesh(double[][] mesh) {
        return new FivePoints(new double[][] {
                mean(mesh, EYE_IMAGE_LEFT), mean(mesh, EYE_IMAGE_RIGHT),
                {mesh[NOSE_TIP][0], mesh[NOSE_TIP][1]},
                {mesh[MOUTH_IMAGE_LEFT][0], mesh[MOUTH_IMAGE_LEFT][1]},
                {mesh[MOUTH_IMAGE_RIGHT][0], mesh[MOUTH_IMAGE_RIGHT][1]}});
    }

    private static double[] mean(double[][] mesh, int[] indices) {
        double x = 0;
        double y = 0;
        for (int i : indices) {
            x += mesh[i][0];
            y += mesh[i][1];
        }
        return new double[] {x / indices.length, y / indices.length};
    }
}
