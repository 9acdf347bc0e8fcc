package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idstream.core.onnx.BundleModel;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.TensorBinding;
import java.nio.FloatBuffer;

/**
 * Identity embeddings, L2-normalised so that cosine similarity is a dot product. Faces are aligned
 * to the template the bundle declares for the model ({@code preprocessing.alignment}; ArcFace's if
 * none) at the model's input size. Thread-safe (serialised).
 */
public final class FaceEmbedder implements AutoCloseable {

    private final OnnxSession session;
    private final TensorBinding binding;
    private final Normalization normalization;
    private final AlignmentTemplate template;
    private final int inputSize;
    private final String inputName;
    private final String outputName;

    public FaceEmbedder(ModelBundle bundle, OrtRuntime runtime) {
        BundleModel model = bundle.model("identity");
        JsonNode pre = model.preprocessing();
        this.inputSize = pre.path("inputSize").get(0).asInt();
        this.normalization = Normalization.of(pre);
        this.template = pre.has("alignment") ? AlignmentTemplate.of(pre.path("alignment")) : AlignmentTemplate.ARCFACE;
        this.inputName = model.inputs().get(0).name();
        this.outputName = pre.path("outputs").path("embedding").asText(model.outputs().get(0).name());
        this.session = bundle.open(runtime, "identity");
        this.binding = session.bindBatch(1);
    }

    public AlignmentTemplate template() {
        return template;
    }

    public int inputSize() {
        return inputSize;
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
