package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idstream.core.onnx.BundleModel;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.TensorBinding;
import java.nio.FloatBuffer;

/** Inception pool features (2048-d for the bundled InceptionV3) of an image, for FID. Thread-safe (serialised). */
public final class InceptionFeatures implements AutoCloseable {

    private final OnnxSession session;
    private final TensorBinding binding;
    private final Normalization normalization;
    private final int height;
    private final int width;
    private final String inputName;
    private final String outputName;

    public InceptionFeatures(ModelBundle bundle, OrtRuntime runtime) {
        BundleModel model = bundle.model("fid_features");
        JsonNode pre = model.preprocessing();
        this.height = pre.path("inputSize").get(0).asInt();
        this.width = pre.path("inputSize").get(1).asInt();
        this.normalization = Normalization.of(pre);
        this.inputName = model.inputs().get(0).name();
        this.outputName = pre.path("outputs").path("features").asText(model.outputs().get(0).name());
        this.session = bundle.open(runtime, "fid_features");
        this.binding = session.bindBatch(1);
    }

    /** Features of {@code image} resized to the model's input size. */
    public synchronized float[] features(RgbImage image) {
        RgbImage input = image.width() == width && image.height() == height ? image : image.resize(width, height);
        normalization.apply(input, binding.floats(inputName));
        binding.run();
        FloatBuffer out = binding.floats(outputName);
        float[] f = new float[out.remaining()];
        out.get(f);
        return f;
    }

    @Override
    public void close() {
        binding.close();
        session.close();
    }
}
