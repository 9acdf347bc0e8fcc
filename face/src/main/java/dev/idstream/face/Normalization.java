package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A model's input normalization, {@code (pixel - mean[c]) / std[c]} per RGB channel, read from the
 * role's {@code preprocessing} in bundle.json ({@code mean}, {@code std}, {@code colorOrder}).
 */
public record Normalization(float[] mean, float[] std, boolean bgr) {

    public static Normalization of(JsonNode preprocessing) {
        float[] mean = triple(preprocessing.path("mean"), "mean");
        float[] std = triple(preprocessing.path("std"), "std");
        String order = preprocessing.path("colorOrder").asText("RGB");
        if (!order.equals("RGB") && !order.equals("BGR")) {
            throw new IllegalArgumentException("preprocessing colorOrder must be RGB or BGR, got " + order);
        }
        if (!preprocessing.path("layout").asText("NHWC").equals("NHWC")) {
            throw new IllegalArgumentException("only NHWC model inputs are supported, got " + preprocessing.path("layout"));
        }
        return new Normalization(mean, std, order.equals("BGR"));
    }

    private static float[] triple(JsonNode node, String name) {
        if (!node.isArray() || node.size() != 3) {
            throw new IllegalArgumentException("preprocessing " + name + " must be 3 numbers, got " + node);
        }
        return new float[] {(float) node.get(0).asDouble(), (float) node.get(1).asDouble(), (float) node.get(2).asDouble()};
    }

    /** Writes the normalized image into {@code out} (NHWC, float32 arithmetic) starting at {@code offset}. */
    public void apply(RgbImage image, java.nio.FloatBuffer out) {
        float[] d = image.data();
        for (int i = 0; i < d.length; i += 3) {
            for (int c = 0; c < 3; c++) {
                int src = bgr ? 2 - c : c;
                out.put((d[i + src] - mean[c]) / std[c]);
            }
        }
    }

    public float[] apply(RgbImage image) {
        float[] out = new float[image.data().length];
        apply(image, java.nio.FloatBuffer.wrap(out));
        return out;
    }
}
