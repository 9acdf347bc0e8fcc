package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.TensorBinding;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Face detection on a whole image with the detector the bundle declares ({@code preprocessing.family}:
 * BlazeFace, SCRFD or RetinaFace): the image is letterboxed (aspect kept, black borders; centred or top-left,
 * {@code preprocessing.letterbox}) into the model's fixed input, decoded and suppressed, and mapped back to
 * image coordinates. Thresholds come from the bundle's {@code config.detector} unless given.
 * Thread-safe (serialised).
 */
public final class FaceDetector implements AutoCloseable {

    public record Settings(double minScore, double iouThreshold, int maxFaces) {
        static Settings of(JsonNode config) {
            return new Settings(config.path("minScore").asDouble(0.5), config.path("iouThreshold").asDouble(0.3),
                    config.path("maxFaces").asInt(10));
        }
    }

    private final DetectorSpec spec;
    private final String family;
    private final Settings settings;
    private final OnnxSession session;
    private final TensorBinding binding;

    public FaceDetector(ModelBundle bundle, OrtRuntime runtime) {
        this(bundle, runtime, Settings.of(bundle.config().path("detector")));
    }

    public FaceDetector(ModelBundle bundle, OrtRuntime runtime, Settings settings) {
        this.spec = DetectorSpec.of(bundle.location(), bundle.model("detector"));
        this.family = bundle.model("detector").preprocessing().path("family").asText();
        this.settings = settings;
        this.session = bundle.open(runtime, "detector");
        try {
            this.binding = session.bind(spec.bindingShapes());
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public Settings settings() {
        return settings;
    }

    /** The detector family the bundle declares: blazeface, scrfd or retinaface. */
    public String family() {
        return family;
    }

    /** All faces, highest score first. */
    public synchronized List<Detection> detect(RgbImage image) {
        Affine inputToImage = spec.imageToInput(image.width(), image.height()).inverse();
        RgbImage input = image.crop(inputToImage, spec.inputWidth(), spec.inputHeight(), 0f);
        spec.normalization().apply(input, binding.floats(spec.inputName()));
        binding.run();
        List<Detection> candidates = spec.decoder().candidates(binding, settings.minScore());
        return spec.decoder().suppress(candidates, settings.iouThreshold(), settings.maxFaces())
                .stream().map(d -> d.mapped(inputToImage)).toList();
    }

    /** The largest face (by box area), if any. */
    public Optional<Detection> largest(RgbImage image) {
        return detect(image).stream().max(Comparator.comparingDouble(Detection::area));
    }

    @Override
    public void close() {
        binding.close();
        session.close();
    }
}
