package dev.idstream.features;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.generator.ImageTensors;
import dev.idstream.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * V_F of one face: the aligned crop through the image encoder, then the id encoder with the canonical 3D vertices
 * (face abstractor tokens + vertex-branch tokens, {@code [tokens, width]}), float32 for a bundle of any precision.
 */
public final class IdDescriptorEncoder {

    private final GeneratorBundle bundle;
    private final int inputSize;
    private final double[] mean;
    private final double[] std;

    public IdDescriptorEncoder(GeneratorBundle bundle) {
        this.bundle = bundle;
        JsonNode pre = bundle.preprocessing(Role.IMAGE_ENCODER);
        this.inputSize = pre.path("inputSize").asInt();
        this.mean = doubles(pre.path("mean"));
        this.std = doubles(pre.path("std"));
    }

    /** @param vertices 468×3 canonical vertices ({@link CanonicalMesh}) */
    public Tensor encode(BufferedImage alignedCrop, float[] vertices) {
        float[] pixels = ImageTensors.normalizedChw(ImageTensors.coverResize(alignedCrop, inputSize, inputSize), mean, std);
        Tensor hidden = bundle.session(Role.IMAGE_ENCODER).run(Map.of("pixel_values",
                Tensor.ofFloats(new long[] {1, 3, inputSize, inputSize}, pixels))).get("image_hidden_states");
        Tensor tokens = bundle.session(Role.ID_ENCODER).run(Map.of("image_hidden_states", hidden,
                "vertices", Tensor.ofFloats(new long[] {1, CanonicalMesh.POINTS, 3}, vertices))).get("id_tokens");
        long[] s = tokens.shape();
        // V_F is stored and handed on as float32 whatever the bundle's precision (the id_tokens artifact contract)
        return tokens.reshape(s[1], s[2]).to(Tensor.DType.F32);
    }

    /** ID-Animator §4.3.2: V = (1 − w)·V_a + w·V_b. */
    static Tensor mix(Tensor a, Tensor b, float weight) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (1 - weight) * x[i] + weight * y[i];
        }
        return Tensor.ofFloats(a.shape(), out);
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
