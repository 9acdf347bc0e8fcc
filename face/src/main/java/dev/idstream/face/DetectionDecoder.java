package dev.idstream.face;

import dev.idstream.core.onnx.TensorBinding;
import java.util.List;
import java.util.Map;

/**
 * One detector family's output decoding, chosen by the detector role's {@code preprocessing.family} in
 * bundle.json: raw outputs to candidate faces in model-input pixel coordinates, then overlap suppression.
 */
interface DetectionDecoder {

    /** Families a bundle may name. */
    String FAMILIES = "blazeface | scrfd | retinaface";

    /** The outputs this decoder reads and how many float32 values each must hold (for the bundle's input size). */
    Map<String, Long> outputSizes();

    /** Every candidate scoring at least {@code minScore}, in model-input pixel coordinates. */
    List<Detection> candidates(TensorBinding outputs, double minScore);

    /** The faces kept from overlapping candidates, highest score first, at most {@code maxFaces}. */
    List<Detection> suppress(List<Detection> candidates, double iouThreshold, int maxFaces);

    /** The decoder the role's constants name; problems (unknown family, missing constants) go to {@code constants}. */
    static DetectionDecoder of(RoleConstants constants, int inputHeight, int inputWidth) {
        String family = constants.text("family", "the detector decoder: " + FAMILIES);
        return switch (family) {
            case "blazeface" -> new BlazeFaceDecoder(constants, inputHeight, inputWidth);
            case "scrfd" -> new ScrfdDecoder(constants, inputHeight, inputWidth);
            case "retinaface" -> new RetinaFaceDecoder(constants, inputHeight, inputWidth);
            case "" -> null;
            default -> {
                constants.problem("preprocessing.family '" + family + "' is not a detector family this build decodes (" + FAMILIES + ")");
                yield null;
            }
        };
    }
}
