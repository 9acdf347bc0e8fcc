package dev.idstream.face;

import dev.idstream.core.onnx.BundleModel;
import dev.idstream.core.onnx.TensorSpec;
import java.util.Arrays;

/**
 * What bundle.json must say about a model that maps one image to one vector (identity embedding, FID
 * features): input size, normalization and layout, the output to read and its declared length, all checked
 * against the declared input/output shapes before any model is opened.
 */
record ImageModelSpec(Normalization normalization, int height, int width, String inputName, String outputName, int outputSize) {

    /**
     * @param outputKey  the {@code preprocessing.outputs} key naming the output (defaults to the only output)
     * @param sizeKey    the field declaring the output's length, e.g. {@code embeddingSize}
     */
    static ImageModelSpec of(RoleConstants c, String outputKey, String sizeKey, String sizeWhat) {
        BundleModel model = c.model();
        int[] size = c.inputSize();
        Normalization normalization = c.normalization();
        String inputName = model.inputs().isEmpty() ? "" : model.inputs().get(0).name();
        if (model.inputs().size() != 1) {
            c.problem("the model takes one image input, bundle.json declares " + model.inputs().size());
        } else if (normalization != null && size[0] > 0) {
            long[] declared = model.inputs().get(0).shape();
            long[] expected = normalization.inputShape(declared.length > 0 ? declared[0] : 1, size[0], size[1]);
            if (!Arrays.equals(declared, expected)) {
                c.problem("input '" + inputName + "' is declared " + model.inputs().get(0).shapeText() + ", but preprocessing "
                        + "(inputSize " + Arrays.toString(size) + ", layout " + c.textOr("layout", "NHWC") + ") means "
                        + Arrays.toString(expected));
            }
        }
        String fallback = model.outputs().size() == 1 ? model.outputs().get(0).name() : null;
        String outputName = fallback != null ? c.textOr("outputs." + outputKey, fallback)
                : c.text("outputs." + outputKey, "which of the outputs " + model.outputs().stream().map(TensorSpec::name).toList() + " to read");
        int outputSize = c.positiveInt(sizeKey, sizeWhat);
        if (!outputName.isEmpty()) {
            long values = c.valuesPerImage(outputName, "outputs." + outputKey);
            if (values >= 0 && values != outputSize) {
                c.problem("preprocessing." + sizeKey + " is " + outputSize + " but output '" + outputName + "' holds " + values
                        + " values per image");
            }
        }
        return new ImageModelSpec(normalization, size[0], size[1], inputName, outputName, outputSize);
    }
}
