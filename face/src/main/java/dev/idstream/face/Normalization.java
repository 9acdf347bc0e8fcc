package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.FloatBuffer;

/**
 * A model's input normalization, {@code (pixel - mean[c]) / std[c]} per model channel, read from the
 * role's {@code preprocessing} in bundle.json ({@code mean}, {@code std}, {@code colorOrder}, {@code layout}).
 * {@code mean}/{@code std} are in the model's channel order (for a BGR model, B first).
 *
 * @param channelsFirst NCHW input (PyTorch exports: SCRFD, ArcFace, pytorch-fid) rather than NHWC (TFJS/Keras)
 */
public record Normalization(float[] mean, float[] std, boolean bgr, boolean channelsFirst) {

    public static Normalization of(JsonNode preprocessing) {
        float[] mean = triple(preprocessing.path("mean"), "mean");
        float[] std = triple(preprocessing.path("std"), "std");
        String order = preprocessing.path("colorOrder").asText("RGB");
        if (!order.equals("RGB") && !order.equals("BGR")) {
            throw new IllegalArgumentException("preprocessing.colorOrder must be RGB or BGR, got " + order);
        }
        String layout = preprocessing.path("layout").asText("NHWC");
        if (!layout.equals("NHWC") && !layout.equals("NCHW")) {
            throw new IllegalArgumentException("preprocessing.layout must be NHWC or NCHW, got " + layout);
        }
        return new Normalization(mean, std, order.equals("BGR"), layout.equals("NCHW"));
    }

    private static float[] triple(JsonNode node, String name) {
        if (!node.isArray() || node.size() != 3) {
            throw new IllegalArgumentException("preprocessing." + name + " must be 3 numbers, got " + node);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            JsonNode v = node.get(i);
            if (!v.isNumber()) {
                throw new IllegalArgumentException("preprocessing." + name + "[" + i + "] is " + v + "; it must be a number");
            }
            out[i] = (float) v.asDouble();
            if (name.equals("std") && out[i] == 0) {
                throw new IllegalArgumentException("preprocessing.std[" + i + "] is " + v
                        + "; it must be a non-zero number (the model input is divided by it)");
            }
        }
        return out;
    }

    /** The model input's shape for {@code batch} images of {@code height x width}, in this layout. */
    public long[] inputShape(long batch, int height, int width) {
        return channelsFirst ? new long[] {batch, 3, height, width} : new long[] {batch, height, width, 3};
    }

    /** Writes the normalized image into {@code out} from its position, in this layout (float32 arithmetic). */
    public void apply(RgbImage image, FloatBuffer out) {
        float[] d = image.data();
        if (channelsFirst) {
            for (int c = 0; c < 3; c++) {
                int src = bgr ? 2 - c : c;
                for (int i = 0; i < d.length; i += 3) {
                    out.put((d[i + src] - mean[c]) / std[c]);
                }
            }
            return;
        }
        for (int i = 0; i < d.length; i += 3) {
            for (int c = 0; c < 3; c++) {
                int src = bgr ? 2 - c : c;
                out.put((d[i + src] - mean[c]) / std[c]);
            }
        }
    }

    public float[] apply(RgbImage image) {
        float[] out = new float[image.data().length];
        apply(image, FloatBuffer.wrap(out));
        return out;
    }
}
