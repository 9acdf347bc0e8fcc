package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idstream.core.onnx.BundleModel;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.TensorBinding;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * BlazeFace detection on a whole image: the image is letterboxed (aspect kept, centred, black
 * borders) into the 256x256 input, decoded and suppressed, and mapped back to image coordinates.
 * Thresholds come from the bundle's {@code config.detector} unless given. Thread-safe (serialised).
 */
public final class FaceDetector implements AutoCloseable {

    public record Settings(double minScore, double iouThreshold, int maxFaces) {
        static Settings of(JsonNode config) {
            return new Settings(config.path("minScore").asDouble(0.5), config.path("iouThreshold").asDouble(0.3),
                    config.path("maxFaces").asInt(10));
        }
    }

    private final OnnxSession session;
    private final TensorBinding binding;
    private final Normalization normalization;
    private final BlazeFaceDecoder decoder;
    private final int inputSize;
    private final Settings settings;
    private final String inputName;
    private final String logitsName;
    private final String regressorsName;

    public FaceDetector(ModelBundle bundle, OrtRuntime runtime) {
        this(bundle, runtime, Settings.of(bundle.config().path("detector")));
    }

    public FaceDetector(ModelBundle bundle, OrtRuntime runtime, Settings settings) {
        BundleModel model = bundle.model("detector");
        JsonNode pre = model.preprocessing();
        if (!pre.path("family").asText().equals("blazeface")) {
            throw new IllegalArgumentException("detector family " + pre.path("family") + " is not supported (supported: blazeface)");
        }
        this.settings = settings;
        this.inputSize = pre.path("inputSize").get(0).asInt();
        this.normalization = Normalization.of(pre);
        this.decoder = new BlazeFaceDecoder(pre);
        this.inputName = model.inputs().get(0).name();
        this.logitsName = pre.path("outputs").path("logits").asText("logits");
        this.regressorsName = pre.path("outputs").path("regressors").asText("regressors");
        this.session = bundle.open(runtime, "detector");
        this.binding = session.bind(Map.of(inputName, new long[] {1, inputSize, inputSize, 3}));
    }

    public Settings settings() {
        return settings;
    }

    /** All faces, highest score first. */
    public synchronized List<Detection> detect(RgbImage image) {
        double scale = (double) inputSize / Math.max(image.width(), image.height());
        double ox = (inputSize - image.width() * scale) / 2;
        double oy = (inputSize - image.height() * scale) / 2;
        Affine imageToInput = new Affine(scale, 0, ox, 0, scale, oy);
        Affine inputToImage = imageToInput.inverse();
        RgbImage input = image.crop(inputToImage, inputSize, inputSize, 0f);
        normalization.apply(input, binding.floats(inputName));
        binding.run();
        List<Detection> candidates = decoder.candidates(binding.floats(logitsName), binding.floats(regressorsName), settings.minScore());
        return BlazeFaceDecoder.weightedNms(candidates, settings.iouThreshold(), settings.maxFaces())
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
