package dev.idstream.face;

import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.TensorBinding;
import java.nio.FloatBuffer;

/**
 * Identity embeddings, L2-normalised so that cosine similarity is a dot product. Faces are aligned
 * to the template the bundle declares for the model ({@code preprocessing.alignment}; ArcFace's if
 * none) at the model's (square) input size; normalization, layout and the embedding's length
 * ({@code embeddingSize}) come from the bundle too. Thread-safe (serialised).
 */
public final class FaceEmbedder implements AutoCloseable {

    private final OnnxSession session;
    private final TensorBinding binding;
    private final Normalization normalization;
    private final AlignmentTemplate template;
    private final int inputSize;
    private final String inputName;
    private final String outputName;
    private final int embeddingSize;

    public FaceEmbedder(ModelBundle bundle, OrtRuntime runtime) {
        Spec spec = Spec.of(bundle);
        this.inputSize = spec.image().height();
        this.normalization = spec.image().normalization();
        this.template = spec.template();
        this.inputName = spec.image().inputName();
        this.outputName = spec.image().outputName();
        this.embeddingSize = spec.image().outputSize();
        this.session = bundle.open(runtime, "identity");
        try {
            this.binding = session.bindBatch(1);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The identity role's bundle.json entry, checked: every problem is reported at once, naming its field. */
    record Spec(ImageModelSpec image, AlignmentTemplate template) {
        static Spec of(ModelBundle bundle) {
            RoleConstants c = new RoleConstants(bundle.model("identity"));
            ImageModelSpec image = ImageModelSpec.of(c, "embedding", "embeddingSize", "the embedding's length, 512 for ArcFace");
            if (image.height() != image.width()) {
                c.problem("preprocessing.inputSize must be square for an aligned face crop, got [" + image.height() + ", "
                        + image.width() + "]");
            }
            AlignmentTemplate template = AlignmentTemplate.ARCFACE;
            if (c.has("alignment")) {
                try {
                    template = AlignmentTemplate.of(c.node("alignment"));
                } catch (IllegalArgumentException e) {
                    c.problem(e.getMessage());
                }
            }
            c.throwIfAny(bundle.location());
            return new Spec(image, template);
        }
    }

    public AlignmentTemplate template() {
        return template;
    }

    public int inputSize() {
        return inputSize;
    }

    /** Length of the embeddings this model gives (bundle.json {@code embeddingSize}). */
    public int embeddingSize() {
        return embeddingSize;
    }

    /** Aligns the face given by its five points and embeds it. */
    public float[] embed(RgbImage image, FivePoints points) {
        return embedAligned(FaceAligner.align(image, points, template, inputSize));
    }

    /** Embeds an already aligned crop (resized to the model's input if needed). */
    public synchronized float[] embedAligned(RgbImage crop) {
        RgbImage input = crop.width() == inputSize && crop.height() == inputSize ? crop : crop.resize(inputSize, inputSize);
        normalization.apply(input, binding.floats(inputName));
        binding.run();
        FloatBuffer out = binding.floats(outputName);
        float[] e = new float[out.remaining()];
        out.get(e);
        return l2Normalized(e);
    }

    static float[] l2Normalized(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        double norm = Math.sqrt(sum);
        if (norm == 0) {
            throw new IllegalStateException("embedding is all zeros; cannot normalise");
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    /** Cosine similarity of two L2-normalised embeddings. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings differ in size: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot;
    }

    @Override
    public void close() {
        binding.close();
        session.close();
    }
}
