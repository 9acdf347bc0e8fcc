package dev.idstream.face;

import dev.idstream.core.onnx.TensorBinding;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns BlazeFace's raw outputs into faces: anchor decoding (as MediaPipe / @vladmandic/human:
 * anchors on a 16x16 grid with 2 per cell and an 8x8 grid with 6 per cell, offsets in input
 * pixels), sigmoid scores, then weighted non-maximum suppression (MediaPipe's "WEIGHTED" mode: a
 * cluster of overlapping boxes is replaced by their score-weighted mean, keeping the top score).
 * Constants: {@code anchors.strides}, {@code anchors.perCell}, {@code anchors.offset} (0.5), {@code keypoints},
 * {@code outputs.logits} / {@code outputs.regressors} (output names).
 */
final class BlazeFaceDecoder implements DetectionDecoder {

    private static final double LOGIT_CLIP = 100;   // MediaPipe's score_clipping_thresh

    private final double[][] anchors;
    private final int keypoints;
    private final String logitsName;
    private final String regressorsName;

    BlazeFaceDecoder(RoleConstants c, int inputHeight, int inputWidth) {
        if (inputHeight != inputWidth) {
            c.problem("preprocessing.inputSize must be square for blazeface, got [" + inputHeight + ", " + inputWidth + "]");
        }
        int[] strides = c.positiveInts("anchors.strides", -1, "anchor grid strides, e.g. [16, 32]");
        int[] perCell = c.positiveInts("anchors.perCell", strides.length, "anchors per grid cell for each stride, e.g. [2, 6]");
        double offset = c.node("anchors.offset").asDouble(0.5);
        this.anchors = strides.length == perCell.length ? anchors(inputHeight, strides, perCell, offset) : new double[0][];
        this.keypoints = c.keypointCount();
        this.logitsName = c.textOr("outputs.logits", "logits");
        this.regressorsName = c.textOr("outputs.regressors", "regressors");
    }

    @Override
    public Map<String, Long> outputSizes() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put(logitsName, (long) anchors.length);
        sizes.put(regressorsName, (long) anchors.length * (4 + 2L * keypoints));
        return sizes;
    }

    static double[][] anchors(int inputSize, int[] strides, int[] perCell, double offset) {
        List<double[]> list = new ArrayList<>();
        for (int s = 0; s < strides.length; s++) {
            int grid = (inputSize + strides[s] - 1) / strides[s];
            for (int y = 0; y < grid; y++) {
                for (int x = 0; x < grid; x++) {
                    for (int n = 0; n < perCell[s]; n++) {
                        list.add(new double[] {strides[s] * (x + offset), strides[s] * (y + offset)});
                    }
                }
            }
        }
        return list.toArray(double[][]::new);
    }

    @Override
    public List<Detection> candidates(TensorBinding outputs, double minScore) {
        return candidates(outputs.floats(logitsName), outputs.floats(regressorsName), minScore);
    }

    /** All candidates above {@code minScore}, in model-input pixel coordinates. */
    List<Detection> candidates(FloatBuffer logits, FloatBuffer regressors, double minScore) {
        int stride = regressors.capacity() / anchors.length;
        List<Detection> out = new ArrayList<>();
        for (int i = 0; i < anchors.length; i++) {
            double logit = Math.max(-LOGIT_CLIP, Math.min(LOGIT_CLIP, logits.get(i)));
            double score = 1 / (1 + Math.exp(-logit));
            if (score < minScore) {
                continue;
            }
            int r = i * stride;
            double cx = regressors.get(r) + anchors[i][0];
            double cy = regressors.get(r + 1) + anchors[i][1];
            double w = regressors.get(r + 2);
            double h = regressors.get(r + 3);
            double[][] k = new double[keypoints][];
            for (int j = 0; j < keypoints; j++) {
                k[j] = new double[] {regressors.get(r + 4 + 2 * j) + anchors[i][0], regressors.get(r + 5 + 2 * j) + anchors[i][1]};
            }
            out.add(new Detection(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, k));
        }
        return out;
    }

    @Override
    public List<Detection> suppress(List<Detection> candidates, double iouThreshold, int maxFaces) {
        return weightedNms(candidates, iouThreshold, maxFaces);
    }

    static List<Detection> weightedNms(List<Detection> candidates, double iouThreshold, int maxFaces) {
        List<Detection> remaining = new ArrayList<>(candidates);
        remaining.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        while (!remaining.isEmpty() && kept.size() < maxFaces) {
            Detection top = remaining.get(0);
            List<Detection> cluster = new ArrayList<>();
            List<Detection> rest = new ArrayList<>();
            for (Detection d : remaining) {
                (top.iou(d) > iouThreshold ? cluster : rest).add(d);
            }
            kept.add(weightedMean(top, cluster));
            remaining = rest;
        }
        return kept;
    }

    private static Detection weightedMean(Detection top, List<Detection> cluster) {
        double total = 0;
        double x0 = 0;
        double y0 = 0;
        double x1 = 0;
        double y1 = 0;
        double[][] k = new double[top.keypoints().length][2];
        for (Detection d : cluster) {
            double w = d.score();
            total += w;
            x0 += w * d.x0();
            y0 += w * d.y0();
            x1 += w * d.x1();
            y1 += w * d.y1();
            for (int j = 0; j < k.length; j++) {
                k[j][0] += w * d.keypoints()[j][0];
                k[j][1] += w * d.keypoints()[j][1];
            }
        }
        for (double[] p : k) {
            p[0] /= total;
            p[1] /= total;
        }
        return new Detection(x0 / total, y0 / total, x1 / total, y1 / total, top.score(), k);
    }
}
