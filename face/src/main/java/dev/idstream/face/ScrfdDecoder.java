package dev.idstream.face;

import dev.idstream.core.onnx.TensorBinding;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SCRFD's outputs (insightface {@code scrfd_*_bnkps.onnx}, buffalo_l {@code det_10g.onnx}) decoded as
 * insightface's {@code SCRFD.forward} does: per stride s an {@code (H/s) x (W/s)} grid (integer division),
 * {@code anchorsPerLocation} anchors per cell, anchor centre {@code (x s, y s)} with no half-cell offset, rows
 * in order y, x, anchor; scores are already probabilities; boxes are distances (left, top, right, bottom) and
 * keypoints offsets (dx, dy) from the centre, in units of s. Then greedy NMS.
 * Constants: {@code strides}, {@code anchorsPerLocation}, {@code keypoints}, and output names per stride in
 * {@code outputs.scores}, {@code outputs.boxes}, {@code outputs.keypoints} (objects keyed by stride).
 */
final class ScrfdDecoder implements DetectionDecoder {

    private record Level(int stride, int rows, int cols, String scores, String boxes, String keypoints) {}

    private final List<Level> levels = new ArrayList<>();
    private final int anchorsPerLocation;
    private final int keypoints;

    ScrfdDecoder(RoleConstants c, int inputHeight, int inputWidth) {
        int[] strides = c.positiveInts("strides", -1, "feature-map strides, [8, 16, 32] for SCRFD");
        this.anchorsPerLocation = c.positiveInt("anchorsPerLocation", "anchors per feature-map location, 2 for SCRFD");
        this.keypoints = c.keypointCount();
        for (int s : strides) {
            String key = Integer.toString(s);
            levels.add(new Level(s, inputHeight / s, inputWidth / s,
                    c.text("outputs.scores." + key, "name of the stride-" + s + " score output"),
                    c.text("outputs.boxes." + key, "name of the stride-" + s + " box-distance output"),
                    c.text("outputs.keypoints." + key, "name of the stride-" + s + " keypoint output")));
        }
    }

    @Override
    public Map<String, Long> outputSizes() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Level l : levels) {
            long anchors = (long) l.rows * l.cols * anchorsPerLocation;
            sizes.put(l.scores, anchors);
            sizes.put(l.boxes, anchors * 4);
            sizes.put(l.keypoints, anchors * 2 * keypoints);
        }
        return sizes;
    }

    @Override
    public List<Detection> candidates(TensorBinding outputs, double minScore) {
        List<Detection> out = new ArrayList<>();
        for (Level l : levels) {
            FloatBuffer scores = outputs.floats(l.scores);
            FloatBuffer boxes = outputs.floats(l.boxes);
            FloatBuffer kps = outputs.floats(l.keypoints);
            for (int y = 0; y < l.rows; y++) {
                for (int x = 0; x < l.cols; x++) {
                    for (int a = 0; a < anchorsPerLocation; a++) {
                        int i = (y * l.cols + x) * anchorsPerLocation + a;
                        double score = scores.get(i);
                        if (score >= minScore) {
                            out.add(decode(l.stride, x * (double) l.stride, y * (double) l.stride, score, boxes, kps, i));
                        }
                    }
                }
            }
        }
        return out;
    }

    private Detection decode(int stride, double cx, double cy, double score, FloatBuffer boxes, FloatBuffer kps, int i) {
        int b = i * 4;
        double[][] k = new double[keypoints][];
        for (int j = 0; j < keypoints; j++) {
            int p = (i * keypoints + j) * 2;
            k[j] = new double[] {cx + kps.get(p) * stride, cy + kps.get(p + 1) * stride};
        }
        return new Detection(cx - boxes.get(b) * stride, cy - boxes.get(b + 1) * stride,
                cx + boxes.get(b + 2) * stride, cy + boxes.get(b + 3) * stride, score, k);
    }

    @Override
    public List<Detection> suppress(List<Detection> candidates, double iouThreshold, int maxFaces) {
        return NonMaximumSuppression.hard(candidates, iouThreshold, maxFaces);
    }
}
