package dev.idstream.metrics;

import dev.idstream.face.Detection;
import dev.idstream.face.RgbImage;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_video;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * FM (DESIGN.md §6): Farneback dense optical flow between consecutive frames, its mean magnitude inside the face
 * box of the earlier frame, in pixels per frame. Not thread-safe; one instance per video.
 */
final class FaceMotion implements AutoCloseable {

    static final double PYRAMID_SCALE = 0.5;
    static final int LEVELS = 3;
    static final int WINDOW = 15;
    static final int ITERATIONS = 3;
    static final int POLY_N = 5;
    static final double POLY_SIGMA = 1.2;

    static final String SETTINGS = "Farneback(pyrScale=" + PYRAMID_SCALE + ", levels=" + LEVELS + ", winsize=" + WINDOW
            + ", iterations=" + ITERATIONS + ", polyN=" + POLY_N + ", polySigma=" + POLY_SIGMA + ") on luma (BT.601), "
            + "mean |flow| over pixel centres inside the earlier frame's largest face box";

    /** One frame pair's motion: mean magnitude in pixels and that divided by the box diagonal. */
    record PairMotion(double pixels, double normalized) {
    }

    private final Mat flow = new Mat();
    private Mat previous;
    private Detection previousBox;

    /**
     * Adds the next frame; returns the motion from the previous frame to this one, or null when this is the first
     * frame or the previous frame had no face.
     */
    PairMotion next(RgbImage frame, Detection faceBox) {
        Mat current = luma(frame);
        PairMotion motion = null;
        if (previous != null && previousBox != null) {
            opencv_video.calcOpticalFlowFarneback(previous, current, flow, PYRAMID_SCALE, LEVELS, WINDOW, ITERATIONS,
                    POLY_N, POLY_SIGMA, 0);
            double pixels = meanMagnitudeInside(flow, previousBox);
            if (!Double.isNaN(pixels)) {
                double diagonal = Math.hypot(previousBox.width(), previousBox.height());
                motion = new PairMotion(pixels, pixels / diagonal);
            }
        }
        if (previous != null) {
            previous.close();
        }
        previous = current;
        previousBox = faceBox;
        return motion;
    }

    private static double meanMagnitudeInside(Mat flow, Detection box) {
        int width = flow.cols();
        int height = flow.rows();
        // pixel (x, y) spans [x, x+1): inside when its centre is inside the box
        int x0 = Math.max(0, (int) Math.ceil(box.x0() - 0.5));
        int x1 = Math.min(width - 1, (int) Math.floor(box.x1() - 0.5));
        int y0 = Math.max(0, (int) Math.ceil(box.y0() - 0.5));
        int y1 = Math.min(height - 1, (int) Math.floor(box.y1() - 0.5));
        if (x1 < x0 || y1 < y0) {
            return Double.NaN;
        }
        FloatBuffer f = flow.createBuffer();
        double sum = 0;
        for (int y = y0; y <= y1; y++) {
            int row = y * width * 2;
            for (int x = x0; x <= x1; x++) {
                double u = f.get(row + 2 * x);
                double v = f.get(row + 2 * x + 1);
                sum += Math.sqrt(u * u + v * v);
            }
        }
        return sum / ((long) (x1 - x0 + 1) * (y1 - y0 + 1));
    }

    /** 8-bit luma, BT.601 weights (what cv::cvtColor RGB2GRAY computes). */
    private static Mat luma(RgbImage image) {
        float[] rgb = image.data();
        byte[] grey = new byte[image.width() * image.height()];
        for (int i = 0; i < grey.length; i++) {
            double y = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
            grey[i] = (byte) Math.min(255, (int) (y + 0.5)); // y >= 0
        }
        Mat mat = new Mat(image.height(), image.width(), opencv_core.CV_8UC1);
        mat.data().put(grey);
        return mat;
    }

    @Override
    public void close() {
        if (previous != null) {
            previous.close();
        }
        flow.close();
    }
}
