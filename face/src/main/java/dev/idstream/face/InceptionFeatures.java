package dev.idstream.face;

import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.TensorBinding;
import java.nio.FloatBuffer;

/**
 * Inception pool features of an image, for FID: the bundled nsfwjs InceptionV3 or pytorch-fid's (both 2048-d).
 * Input size, normalization, layout, the output to read and its length ({@code featureSize}) come from the
 * bundle; an output such as pytorch-fid's [N, 2048, 1, 1] is read flat. Thread-safe (serialised).
 */
public final class InceptionFeatures implements AutoCloseable {

    private final OnnxSession session;
    private final TensorBinding binding;
    private final Normalization normalization;
    private final int height;
    private final int width;
    private final String inputName;
    private final String outputName;
    private final int featureSize;

    public InceptionFeatures(ModelBundle bundle, OrtRuntime runtime) {
        ImageModelSpec spec = spec(bundle);
        this.height = spec.height();
        this.width = spec.width();
        this.normalization = spec.normalization();
        this.inputName = spec.inputName();
        this.outputName = spec.outputName();
        this.featureSize = spec.outputSize();
        this.session = bundle.open(runtime, "fid_features");
        try {
            this.binding = session.bindBatch(1);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The fid_features role's bundle.json entry, checked: every problem is reported at once, naming its field. */
    static ImageModelSpec spec(ModelBundle bundle) {
        RoleConstants c = new RoleConstants(bundle.model("fid_features"));
        ImageModelSpec spec = ImageModelSpec.of(c, "features", "featureSize", "the pool features' length, 2048 for InceptionV3");
        c.throwIfAny(bundle.location());
        return spec;
    }

    /** Length of the feature vectors (bundle.json {@code featureSize}). */
    public int featureSize() {
        return featureSize;
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
