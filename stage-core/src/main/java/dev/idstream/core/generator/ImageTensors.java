package dev.idstream.core.generator;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Image ↔ float tensor conversions of the generator bundle (RGB, channels first). */
public final class ImageTensors {

    private ImageTensors() {
    }

    /** Scales to cover {@code width}×{@code height} and crops the centre, keeping the aspect ratio (bilinear). */
    public static BufferedImage coverResize(BufferedImage src, int width, int height) {
        double scale = Math.max((double) width / src.getWidth(), (double) height / src.getHeight());
        int sw = (int) Math.ceil(src.getWidth() * scale);
        int sh = (int) Math.ceil(src.getHeight() * scale);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, (width - sw) / 2, (height - sh) / 2, sw, sh, null);
        g.dispose();
        return out;
    }

    /** CHW floats of {@code (pixel / 255 − mean[c]) / std[c]}. */
    public static float[] normalizedChw(BufferedImage image, double[] mean, double[] std) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[3 * w * h];
        for (int i = 0; i < argb.length; i++) {
            for (int c = 0; c < 3; c++) {
                int v = (argb[i] >> (16 - 8 * c)) & 0xff;
                out[c * w * h + i] = (float) ((v / 255.0 - mean[c]) / std[c]);
            }
        }
        return out;
    }

    /** CHW floats in [−1, 1]: {@code pixel / 127.5 − 1}. */
    public static float[] signedChw(BufferedImage image) {
        return normalizedChw(image, new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
    }

    /** An RGB image from CHW floats in [−1, 1] at {@code offset}: clamped, then {@code (x + 1) · 127.5}, rounded. */
    public static BufferedImage fromSignedChw(float[] chw, int offset, int width, int height) {
        int plane = width * height;
        int[] argb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                float x = Math.max(-1f, Math.min(1f, chw[offset + c * plane + i]));
                rgb = rgb << 8 | Math.round((x + 1f) * 127.5f);
            }
            argb[i] = rgb;
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, argb, 0, width);
        return image;
    }
}
