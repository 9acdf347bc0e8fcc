package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the five points (see {@link FivePoints}) land in an aligned crop, as fractions of the crop
 * size (continuous coordinates), so one template serves any output size (112, 150, 512, ...).
 */
public record AlignmentTemplate(String name, double[][] points) {

    /** insightface's ArcFace template (arcface_dst for 112x112), pixel-index values +0.5, divided by 112. */
    public static final AlignmentTemplate ARCFACE = fromPixels("arcface", 112, new double[][] {
            {38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041}});

    private static AlignmentTemplate fromPixels(String name, double size, double[][] indexPixels) {
        double[][] p = new double[indexPixels.length][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new double[] {(indexPixels[i][0] + 0.5) / size, (indexPixels[i][1] + 0.5) / size};
        }
        return new AlignmentTemplate(name, p);
    }

    /** A template from bundle.json: {@code {"name": "...", "points": [[x, y] x5]}} in fractions of the crop. */
    public static AlignmentTemplate of(JsonNode node) {
        JsonNode pts = node.path("points");
        if (!pts.isArray() || pts.size() != 5) {
            throw new IllegalArgumentException("alignment template needs 5 points, got " + pts);
        }
        double[][] p = new double[5][];
        for (int i = 0; i < 5; i++) {
            p[i] = new double[] {pts.get(i).get(0).asDouble(), pts.get(i).get(1).asDouble()};
        }
        return new AlignmentTemplate(node.path("name").asText("custom"), p);
    }

    double[][] scaled(int size) {
        double[][] out = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            out[i] = new double[] {points[i][0] * size, points[i][1] * size};
        }
        return out;
    }
}
