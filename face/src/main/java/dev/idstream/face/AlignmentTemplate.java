package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the five points (see {@link FivePoints}) land in an aligned crop, as fractions of the crop
 * size (continuous coordinates), so one template serves any output size (112, 150, 512, ...), and the
 * grey level outside the image.
 *
 * @param fill value (0..255) of crop pixels that fall outside the image: 127 here, insightface's
 *             {@code norm_crop} uses 0
 */
public record AlignmentTemplate(String name, double[][] points, float fill) {

    public static final float DEFAULT_FILL = 127f;

    /** insightface's ArcFace template (arcface_dst for 112x112), pixel-index values +0.5, divided by 112. */
    public static final AlignmentTemplate ARCFACE = fromIndexPixels("arcface", 112, new double[][] {
            {38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041}}, DEFAULT_FILL);

    public AlignmentTemplate(String name, double[][] points) {
        this(name, points, DEFAULT_FILL);
    }

    /** A template given in pixel-index coordinates of a {@code size x size} crop (OpenCV style, as insightface writes them). */
    public static AlignmentTemplate fromIndexPixels(String name, double size, double[][] indexPixels, float fill) {
        double[][] p = new double[indexPixels.length][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new double[] {(indexPixels[i][0] + 0.5) / size, (indexPixels[i][1] + 0.5) / size};
        }
        return new AlignmentTemplate(name, p, fill);
    }

    /**
     * A template from bundle.json: {@code {"name": "...", "points": [[x, y] x5]}} in fractions of the crop, or
     * {@code {"name": "...", "size": 112, "indexPixels": [[x, y] x5]}} as published (e.g. insightface's
     * arcface_dst); optional {@code "fill"} (default 127).
     */
    public static AlignmentTemplate of(JsonNode node) {
        boolean pixels = node.has("indexPixels");
        JsonNode pts = node.path(pixels ? "indexPixels" : "points");
        if (!pts.isArray() || pts.size() != 5) {
            throw new IllegalArgumentException("preprocessing.alignment." + (pixels ? "indexPixels" : "points")
                    + " must be 5 [x, y] points, got " + (pts.isMissingNode() ? "nothing" : pts));
        }
        double[][] p = new double[5][];
        for (int i = 0; i < 5; i++) {
            JsonNode q = pts.get(i);
            if (!q.isArray() || q.size() != 2 || !q.get(0).isNumber() || !q.get(1).isNumber()) {
                throw new IllegalArgumentException("preprocessing.alignment point " + i + " must be [x, y], got " + q);
            }
            p[i] = new double[] {q.get(0).asDouble(), q.get(1).asDouble()};
        }
        float fill = (float) node.path("fill").asDouble(DEFAULT_FILL);
        String name = node.path("name").asText("custom");
        if (!pixels) {
            return new AlignmentTemplate(name, p, fill);
        }
        if (!node.path("size").isNumber() || node.path("size").asDouble() <= 0) {
            throw new IllegalArgumentException("preprocessing.alignment.size must be the crop size the indexPixels refer to "
                    + "(112 for arcface_dst), got " + (node.has("size") ? node.path("size") : "nothing"));
        }
        return fromIndexPixels(name, node.path("size").asDouble(), p, fill);
    }

    double[][] scaled(int size) {
        double[][] out = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            out[i] = new double[] {points[i][0] * size, points[i][1] * size};
        }
        return out;
    }
}
