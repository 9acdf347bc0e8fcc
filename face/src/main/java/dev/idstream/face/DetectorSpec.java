package dev.idstream.face;

import dev.idstream.core.onnx.BundleModel;
import dev.idstream.core.onnx.TensorSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the detector role's bundle.json entry must say, checked before any model is opened: the decoder
 * family and its constants, the input size, normalization, layout and letterbox policy, and fixed output
 * shapes holding exactly what the decoder reads. Every problem is reported at once, naming its field.
 */
record DetectorSpec(DetectionDecoder decoder, Normalization normalization, Letterbox letterbox,
                    int inputHeight, int inputWidth, String inputName, Map<String, long[]> bindingShapes) {

    static DetectorSpec of(String location, BundleModel model) {
        RoleConstants c = new RoleConstants(model);
        int[] size = c.inputSize();
        Normalization normalization = c.normalization();
        String letterboxName = c.textOr("letterbox", "center");
        Letterbox letterbox = Letterbox.of(letterboxName);
        if (letterbox == null) {
            c.problem("preprocessing.letterbox '" + letterboxName + "' is not one of " + Letterbox.names());
        }
        DetectionDecoder decoder = DetectionDecoder.of(c, size[0], size[1]);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, TensorSpec> fixedOutputs = new LinkedHashMap<>();
        String inputName = model.inputs().isEmpty() ? "" : model.inputs().get(0).name();
        if (model.inputs().size() != 1) {
            c.problem("a detector takes one image input, bundle.json declares " + model.inputs().size());
        } else if (normalization != null && size[0] > 0) {
            long[] expected = normalization.inputShape(1, size[0], size[1]);
            if (!fits(model.inputs().get(0).shape(), expected)) {
                c.problem("input '" + inputName + "' is declared " + model.inputs().get(0).shapeText() + ", but preprocessing "
                        + "(inputSize " + Arrays.toString(size) + ", layout " + c.textOr("layout", "NHWC") + ") means "
                        + Arrays.toString(expected));
            }
            shapes.put(inputName, expected);
        }
        for (TensorSpec out : model.outputs()) {
            if (isFixed(c, out, size)) {
                fixedOutputs.put(out.name(), out);
            }
            shapes.put(out.name(), out.shape());
        }
        if (decoder != null && size[0] > 0) {
            decoder.outputSizes().forEach((name, expected) -> checkSize(c, model, fixedOutputs, name, expected, size));
        }
        c.throwIfAny(location);
        return new DetectorSpec(decoder, normalization, letterbox, size[0], size[1], inputName, shapes);
    }

    /** A declared dimension may be dynamic (-1); a fixed one must match. */
    private static boolean fits(long[] declared, long[] expected) {
        if (declared.length != expected.length) {
            return false;
        }
        for (int i = 0; i < declared.length; i++) {
            if (declared[i] >= 0 && declared[i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFixed(RoleConstants c, TensorSpec out, int[] size) {
        for (long d : out.shape()) {
            if (d < 0) {
                c.problem("output '" + out.name() + "' is declared " + out.shapeText() + "; the detector runs at a fixed size, "
                        + "so declare the output's shape for inputSize " + Arrays.toString(size) + " (a declared size may fix a "
                        + "dimension the graph leaves dynamic)");
                return false;
            }
        }
        return true;
    }

    private static void checkSize(RoleConstants c, BundleModel model, Map<String, TensorSpec> fixedOutputs, String name,
                                  long expected, int[] size) {
        if (name.isEmpty()) {
            return;   // the missing name is already reported
        }
        if (model.outputs().stream().noneMatch(o -> o.name().equals(name))) {
            c.problem("preprocessing.outputs names output '" + name + "', which bundle.json does not declare (declared: "
                    + model.outputs().stream().map(TensorSpec::name).toList() + ")");
            return;
        }
        TensorSpec spec = fixedOutputs.get(name);
        long declared = spec == null ? expected : spec.elementCount();   // a dynamic one is already reported
        if (declared != expected) {
            c.problem("output '" + name + "' holds " + declared + " values, the " + c.node("family").asText()
                    + " decoder reads " + expected + " from it at inputSize " + Arrays.toString(size)
                    + " (check inputSize, strides/steps, anchors and keypoints)");
        }
    }

    /** Image pixel coordinates to model-input pixel coordinates, for an image of {@code width x height}. */
    Affine imageToInput(int width, int height) {
        return letterbox.imageToInput(width, height, inputWidth, inputHeight);
    }
}
