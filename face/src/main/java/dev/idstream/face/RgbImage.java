package dev.idstream.face;

import java.awt.image.BufferedImage;

/**
 * An RGB image as interleaved floats (0..255, row-major HWC), the form every face model consumes.
 * Sampling is bilinear with pixel centres at +0.5 (as TensorFlow's half-pixel resize); samples
 * outside the image take a constant fill value.
 */
public final class RgbImage {

    private final int width;
    private final int height;
    private final float[] data;

    public RgbImage(int width, int height, float[] data) {
        if (width <= 0 || height <= 0 || data.length != width * height * 3) {
            throw new IllegalArgumentException("RGB image " + width + "x" + height + " needs " + (width * height * 3)
                    + " values, got " + data.length);
        }
        this.width = width;
        this.height = height;
        this.data = data;
    }

    public static RgbImage of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] data = new float[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            data[3 * i] = (argb[i] >> 16) & 0xFF;
            data[3 * i + 1] = (argb[i] >> 8) & 0xFF;
            data[3 * i + 2] = argb[i] & 0xFF;
        }
        return new RgbImage(w, h, data);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The backing array (HWC, 0..255); not copied. */
    public float[] data() {
        return data;
    }

    public BufferedImage toBufferedImage() {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[width * height];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (clamp(data[3 * i]) << 16) | (clamp(data[3 * i + 1]) << 8) | clamp(data[3 * i + 2]);
        }
        out.setRGB(0, 0, width, height, rgb, 0, width);
        return out;
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Horizontal mirror image. */
    public RgbImage mirrored() {
        float[] out = new float[data.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(data, 3 * (y * width + x), out, 3 * (y * width + width - 1 - x), 3);
            }
        }
        return new RgbImage(width, height, out);
    }

    /** Resizes to {@code w x h} (bilinear, area-averaged first when shrinking by 2x or more). */
    public RgbImage resize(int w, int h) {
        return crop(new Affine((double) width / w, 0, 0, 0, (double) height / h, 0), w, h, 0f);
    }

    /**
     * Samples a {@code w x h} image whose point (u, v) comes from source point {@code dstToSrc(u, v)},
     * in continuous coordinates (pixel edges on integers, pixel i spans [i, i+1)). Shrinking by 2x or
     * more first halves the source by area averaging, so bilinear sampling does not alias.
     */
    public RgbImage crop(Affine dstToSrc, int w, int h, float fill) {
        RgbImage src = this;
        Affine map = dstToSrc;
        while (map.scale() >= 2 && src.width >= 2 && src.height >= 2) {
            src = src.halve();
            map = new Affine(0.5, 0, 0, 0, 0.5, 0).compose(map);
        }
        // to pixel-index space: x_idx = map(u_idx + 0.5) - 0.5
        Affine index = new Affine(1, 0, -0.5, 0, 1, -0.5).compose(map).compose(new Affine(1, 0, 0.5, 0, 1, 0.5));
        return src.warp(index, w, h, fill);
    }

    private RgbImage halve() {
        int w = width / 2;
        int h = height / 2;
        float[] out = new float[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int i = 3 * (2 * y * width + 2 * x) + c;
                    out[3 * (y * w + x) + c] = 0.25f * (data[i] + data[i + 3] + data[i + 3 * width] + data[i + 3 * width + 3]);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Bilinear warp in pixel-index coordinates, {@code fill} outside the image. */
    private RgbImage warp(Affine dstToSrc, int w, int h, float fill) {
        float[] out = new float[w * h * 3];
        for (int v = 0; v < h; v++) {
            for (int u = 0; u < w; u++) {
                double x = dstToSrc.a() * u + dstToSrc.b() * v + dstToSrc.c();
                double y = dstToSrc.d() * u + dstToSrc.e() * v + dstToSrc.f();
                sample(x, y, fill, out, 3 * (v * w + u));
            }
        }
        return new RgbImage(w, h, out);
    }

    private void sample(double x, double y, float fill, float[] out, int at) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        for (int c = 0; c < 3; c++) {
            double top = lerp(pixel(x0, y0, c, fill), pixel(x0 + 1, y0, c, fill), fx);
            double bottom = lerp(pixel(x0, y0 + 1, c, fill), pixel(x0 + 1, y0 + 1, c, fill), fx);
            out[at + c] = (float) lerp(top, bottom, fy);
        }
    }

    private float pixel(int x, int y, int c, float fill) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            // clamp one pixel beyond the border so edges are not darkened by the fill
            if (x >= -1 && y >= -1 && x <= width && y <= height) {
                return data[3 * (Math.min(Math.max(y, 0), height - 1) * width + Math.min(Math.max(x, 0), width - 1)) + c];
            }
            return fill;
        }
        return data[3 * (y * width + x) + c];
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }

    /** The border {@link #padded} adds on each side, in pixels. */
    public int paddingPixels(double fraction) {
        return (int) Math.round(Math.max(width, height) * fraction);
    }

    /** Pads by {@code fraction} of the larger side on every edge with grey, e.g. for a retry at detection. */
    public RgbImage padded(double fraction, float grey) {
        int p = paddingPixels(fraction);
        return crop(new Affine(1, 0, -p, 0, 1, -p), width + 2 * p, height + 2 * p, grey);
    }
}
