package dev.idstream.face;

import dev.idstream.core.onnx.TensorBinding;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RetinaFace with SSD-style priors, as in biubug6/Pytorch_Retinaface ({@code PriorBox}, {@code decode},
 * {@code decode_landm}; its ONNX export names the outputs {@code output} (boxes [1,N,4]), {@code outputt}
 * (scores [1,N,2], softmax already applied) and {@code outputtt} (landmarks [1,N,10])). Priors: for each step,
 * a {@code ceil(H/step) x ceil(W/step)} grid in order row, column, then one square prior per min size, centred
 * at {@code ((j + 0.5) step, (i + 0.5) step)}. Decoding, with variances (v0, v1) and prior size s:
 * centre {@code c + d v0 s}, size {@code s exp(d v1)}, landmark {@code c + d v0 s}. Then greedy NMS.
 * Constants: {@code steps}, {@code minSizes} (a list per step), {@code variances}, {@code keypoints},
 * {@code scoreActivation} ({@code none}: the graph gives probabilities; {@code softmax}: two-class logits),
 * {@code outputs.boxes}, {@code outputs.scores}, {@code outputs.keypoints}.
 */
final class RetinaFaceDecoder implements DetectionDecoder {

    private final double[][] priors;   // cx, cy, size in input pixels
    private final double[] variances;
    private final int keypoints;
    private final boolean softmax;
    private final String boxesName;
    private final String scoresName;
    private final String keypointsName;

    RetinaFaceDecoder(RoleConstants c, int inputHeight, int inputWidth) {
        int[] steps = c.positiveInts("steps", -1, "prior grid steps, [8, 16, 32] for RetinaFace");
        List<int[]> minSizes = new ArrayList<>();
        if (!c.node("minSizes").isArray() || c.node("minSizes").size() != steps.length) {
            c.problem("preprocessing.minSizes " + (c.has("minSizes") ? "is " + c.node("minSizes") : "is missing")
                    + "; it must be one list of prior sizes per step, e.g. [[16, 32], [64, 128], [256, 512]]");
        } else {
            for (int k = 0; k < steps.length; k++) {
                minSizes.add(c.positiveInts("minSizes." + k, -1, "prior sizes in pixels for step " + steps[k]));
            }
        }
        this.priors = minSizes.size() == steps.length ? priors(inputHeight, inputWidth, steps, minSizes) : new double[0][];
        this.variances = c.positiveNumbers("variances", 2, "the prior variances, [0.1, 0.2] for RetinaFace");
        this.keypoints = c.keypointCount();
        String activation = c.textOr("scoreActivation", "none");
        if (!activation.equals("none") && !activation.equals("softmax")) {
            c.problem("preprocessing.scoreActivation must be none or softmax, got " + activation);
        }
        this.softmax = activation.equals("softmax");
        this.boxesName = c.text("outputs.boxes", "name of the box-regression output [1, N, 4]");
        this.scoresName = c.text("outputs.scores", "name of the two-class score output [1, N, 2]");
        this.keypointsName = c.text("outputs.keypoints", "name of the landmark output [1, N, 2K]");
    }

    static double[][] priors(int inputHeight, int inputWidth, int[] steps, List<int[]> minSizes) {
        List<double[]> list = new ArrayList<>();
        for (int k = 0; k < steps.length; k++) {
            int rows = (inputHeight + steps[k] - 1) / steps[k];
            int cols = (inputWidth + steps[k] - 1) / steps[k];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    for (int size : minSizes.get(k)) {
                        list.add(new double[] {(j + 0.5) * steps[k], (i + 0.5) * steps[k], size});
                    }
                }
            }
        }
        return list.toArray(double[][]::new);
    }

    @Override
    public Map<String, Long> outputSizes() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put(boxesName, priors.length * 4L);
        sizes.put(scoresName, priors.length * 2L);
        sizes.put(keypointsName, priors.length * 2L * keypoints);
        return sizes;
    }

    @Override
    public List<Detection> candidates(TensorBinding outputs, double minScore) {
        FloatBuffer boxes = outputs.floats(boxesName);
        FloatBuffer scores = outputs.floats(scoresName);
        FloatBuffer kps = outputs.floats(keypointsName);
        List<Detection> out = new ArrayList<>();
        for (int i = 0; i < priors.length; i++) {
            double background = scores.get(2 * i);
            double face = scores.get(2 * i + 1);
            double score = softmax ? 1 / (1 + Math.exp(background - face)) : face;
            if (score >= minScore) {
                out.add(decode(priors[i], score, boxes, kps, i));
            }
        }
        return out;
    }

    private Detection decode(double[] prior, double score, FloatBuffer boxes, FloatBuffer kps, int i) {
        double step = variances[0] * prior[2];
        double cx = prior[0] + boxes.get(4 * i) * step;
        double cy = prior[1] + boxes.get(4 * i + 1) * step;
        double w = prior[2] * Math.exp(boxes.get(4 * i + 2) * variances[1]);
        double h = prior[2] * Math.exp(boxes.get(4 * i + 3) * variances[1]);
        double[][] k = new double[keypoints][];
        for (int j = 0; j < keypoints; j++) {
            int p = (i * keypoints + j) * 2;
            k[j] = new double[] {prior[0] + kps.get(p) * step, prior[1] + kps.get(p + 1) * step};
        }
        return new Detection(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, k);
    }

    @Override
    public List<Detection> suppress(List<Detection> candidates, double iouThreshold, int maxFaces) {
        return NonMaximumSuppression.hard(candidates, iouThreshold, maxFaces);
    }
}
