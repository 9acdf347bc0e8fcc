package dev.idstream.core.onnx;

import java.util.Arrays;
import java.util.Locale;

/**
 * The float precision of a bundle role's weights and float inputs/outputs: bundle.json's optional {@code "precision"}
 * per entry of {@code models} (models/README.md), {@code float32} when absent. Stages feed float32 either way:
 * {@link OnnxSession#run} converts float feeds to the dtype each input declares.
 */
public enum ModelPrecision {
    FLOAT32, FLOAT16, BFLOAT16;

    /** The name bundle.json uses ({@code float32}, {@code float16}, {@code bfloat16}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The precision named {@code key}, or null when no precision has that name. */
    static ModelPrecision fromKey(String key) {
        return Arrays.stream(values()).filter(p -> p.key().equals(key)).findFirst().orElse(null);
    }

    static String keys() {
        return String.join(", ", Arrays.stream(values()).map(ModelPrecision::key).toList());
    }
}
