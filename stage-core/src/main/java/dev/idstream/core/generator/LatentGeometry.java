package dev.idstream.core.generator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * How video size maps to latent size in a generator bundle (its {@code config.latent}): the VAE compresses
 * {@code spatialFactor}× in space and {@code temporalFactor}× in time after the first frame, and the DiT cuts the
 * latent into {@code patchSize}² patches.
 */
public record LatentGeometry(int channels, int denoiserInputChannels, float scalingFactor, int spatialFactor,
                             int temporalFactor, int patchSize, long[] idTokensShape, long[] textHiddenShape) {

    static LatentGeometry fromConfig(JsonNode config) {
        JsonNode latent = config.path("latent");
        return new LatentGeometry(latent.path("channels").asInt(), latent.path("denoiserInputChannels").asInt(),
                (float) latent.path("scalingFactor").asDouble(), latent.path("spatialFactor").asInt(),
                latent.path("temporalFactor").asInt(), latent.path("patchSize").asInt(),
                longs(config.path("idTokens").path("shape")), longs(config.path("textHiddenStates").path("shape")));
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    /** Pixel sizes must be a multiple of this (VAE downsampling times DiT patch size). */
    public int sizeMultiple() {
        return spatialFactor * patchSize;
    }

    public int latentFrames(int frames) {
        return 1 + (frames - 1) / temporalFactor;
    }

    /** Frames the decoder produces from {@code latentFrames}: 1 + temporalFactor × (F' − 1). */
    public int videoFrames(int latentFrames) {
        return 1 + temporalFactor * (latentFrames - 1);
    }

    /** Human-readable problems with a requested video shape; empty when the bundle can generate it. */
    public List<String> problems(int frames, int width, int height) {
        List<String> problems = new ArrayList<>();
        if (frames < 1 || (frames - 1) % temporalFactor != 0) {
            problems.add("frames is " + frames + "; this generator makes 1 + " + temporalFactor
                    + "k frames (e.g. " + (1 + temporalFactor) + ", " + (1 + 2 * temporalFactor) + ", "
                    + (1 + 4 * temporalFactor) + ")");
        }
        int m = sizeMultiple();
        if (width < m || width % m != 0) {
            problems.add("width is " + width + "; this generator needs a positive multiple of " + m);
        }
        if (height < m || height % m != 0) {
            problems.add("height is " + height + "; this generator needs a positive multiple of " + m);
        }
        return problems;
    }
}
