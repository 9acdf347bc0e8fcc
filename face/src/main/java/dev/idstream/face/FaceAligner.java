package dev.idstream.face;

/**
 * Similarity-transform alignment: the least-squares rotation + uniform scale + translation
 * (Umeyama's method, which in 2-D has the closed form used here) that takes the template's points
 * to the face's five points, then the crop sampled through it.
 */
public final class FaceAligner {

    private FaceAligner() {
    }

    /** The aligned {@code size x size} crop; outside the image is filled with the template's fill (grey 127 by default). */
    public static RgbImage align(RgbImage image, FivePoints points, AlignmentTemplate template, int size) {
        Affine cropToImage = similarity(template.scaled(size), points.points());
        return image.crop(cropToImage, size, size, template.fill());
    }

    /** Least-squares similarity {@code src -> dst} (no reflection). */
    public static Affine similarity(double[][] src, double[][] dst) {
        if (src.length != dst.length || src.length < 2) {
            throw new IllegalArgumentException("similarity needs >= 2 matching points, got " + src.length + " and " + dst.length);
        }
        int n = src.length;
        double msx = 0;
        double msy = 0;
        double mdx = 0;
        double mdy = 0;
        for (int i = 0; i < n; i++) {
            msx += src[i][0] / n;
            msy += src[i][1] / n;
            mdx += dst[i][0] / n;
            mdy += dst[i][1] / n;
        }
        double norm = 0;
        double dotSum = 0;
        double crossSum = 0;
        for (int i = 0; i < n; i++) {
            double sx = src[i][0] - msx;
            double sy = src[i][1] - msy;
            double dx = dst[i][0] - mdx;
            double dy = dst[i][1] - mdy;
            norm += sx * sx + sy * sy;
            dotSum += sx * dx + sy * dy;
            crossSum += sx * dy - sy * dx;
        }
        if (norm == 0) {
            throw new IllegalArgumentException("source points coincide; no similarity transform");
        }
        double a = dotSum / norm;   // scale * cos(theta)
        double b = crossSum / norm; // scale * sin(theta)
        return new Affine(a, -b, mdx - (a * msx - b * msy), b, a, mdy - (b * msx + a * msy));
    }
}
