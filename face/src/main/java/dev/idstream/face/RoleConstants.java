package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idstream.core.onnx.BundleException;
import dev.idstream.core.onnx.BundleModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one role's {@code preprocessing} constants from bundle.json, collecting every missing or malformed
 * field (named by its path, e.g. {@code preprocessing.outputs.scores.8}) so that one error lists them all.
 */
final class RoleConstants {

    private final BundleModel model;
    private final JsonNode pre;
    private final List<String> problems = new ArrayList<>();

    RoleConstants(BundleModel model) {
        this.model = model;
        this.pre = model.preprocessing();
    }

    BundleModel model() {
        return model;
    }

    void problem(String message) {
        problems.add("role " + model.role() + ": " + message);
    }

    boolean has(String path) {
        return !node(path).isMissingNode() && !node(path).isNull();
    }

    JsonNode node(String path) {
        JsonNode n = pre;
        for (String part : path.split("\\.")) {
            n = n.isArray() && part.matches("\\d+") ? n.path(Integer.parseInt(part)) : n.path(part);   // minSizes.0
        }
        return n;
    }

    String text(String path, String what) {
        JsonNode n = node(path);
        if (!n.isTextual() || n.asText().isBlank()) {
            missing(path, n, "a name", what);
            return "";
        }
        return n.asText();
    }

    String textOr(String path, String fallback) {
        JsonNode n = node(path);
        if (n.isMissingNode()) {
            return fallback;
        }
        if (!n.isTextual()) {
            problem("preprocessing." + path + " must be a string, got " + n);
            return fallback;
        }
        return n.asText();
    }

    int positiveInt(String path, String what) {
        JsonNode n = node(path);
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0) {
            missing(path, n, "a positive integer", what);
            return 1;
        }
        return n.asInt();
    }

    int[] positiveInts(String path, int count, String what) {
        JsonNode n = node(path);
        boolean ok = n.isArray() && !n.isEmpty() && (count < 0 || n.size() == count);
        for (JsonNode v : n) {
            ok &= v.isIntegralNumber() && v.asInt() > 0;
        }
        if (!ok) {
            missing(path, n, count < 0 ? "a list of positive integers" : count + " positive integers", what);
            return new int[Math.max(count, 0)];
        }
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }

    double[] positiveNumbers(String path, int count, String what) {
        JsonNode n = node(path);
        boolean ok = n.isArray() && n.size() == count;
        for (JsonNode v : n) {
            ok &= v.isNumber() && v.asDouble() > 0;
        }
        if (!ok) {
            missing(path, n, count + " positive numbers", what);
            return new double[count];
        }
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = n.get(i).asDouble();
        }
        return out;
    }

    /** {@code inputSize} [height, width]: the size images are letterboxed or resized to. */
    int[] inputSize() {
        return positiveInts("inputSize", 2, "the model input [height, width] in pixels");
    }

    /** How many keypoints the detector gives: the length of the {@code keypoints} name list. */
    int keypointCount() {
        JsonNode n = node("keypoints");
        if (!n.isArray() || n.size() < 2) {
            missing("keypoints", n, "a list of keypoint names", "the detector's keypoints in output order, the two eyes first");
            return 0;
        }
        return n.size();
    }

    Normalization normalization() {
        try {
            return Normalization.of(pre);
        } catch (IllegalArgumentException e) {
            problem(e.getMessage());
            return null;
        }
    }

    /** Values per image in a declared output (a dynamic leading batch dimension counts as 1), -1 if unknown. */
    long valuesPerImage(String outputName, String field) {
        var spec = model.outputs().stream().filter(s -> s.name().equals(outputName)).findFirst();
        if (spec.isEmpty()) {
            problem("preprocessing." + field + " names output '" + outputName + "', which bundle.json does not declare (declared: "
                    + model.outputs().stream().map(s -> s.name()).toList() + ")");
            return -1;
        }
        long[] shape = spec.get().shape();
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                problem("output '" + outputName + "' is declared " + spec.get().shapeText()
                        + "; only the batch dimension may be dynamic (-1)");
                return -1;
            }
            n *= shape[i];
        }
        return n;
    }

    private void missing(String path, JsonNode found, String kind, String what) {
        problem("preprocessing." + path + (found.isMissingNode() ? " is missing" : " is " + found)
                + "; it must be " + kind + " (" + what + ")");
    }

    /** Throws one {@link BundleException} listing every problem found so far, if any. */
    void throwIfAny(String location) {
        if (!problems.isEmpty()) {
            throw new BundleException(location, problems);
        }
    }
}
