package dev.idstream.decode;

import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.generator.ImageTensors;
import dev.idstream.core.generator.LatentGeometry;
import dev.idstream.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * VAE-decodes latents {@code [F', C, h, w]} into 8-bit RGB frames, at most {@code chunk} latent frames per run
 * so memory stays bounded for long videos.
 *
 * <p>The exported decoder is causal in time but has no convolution cache (models/fantasyid/vae.py), so a chunk
 * starting at latent frame s &gt; 0 is decoded together with {@code context} preceding latent frames, and only
 * its own 4·(chunk) frames are kept. A single-chunk decode (F' ≤ chunk) is exactly the whole-video decode; later
 * chunks are approximate, because the decoder's temporal receptive field reaches past the context (measured in
 * LatentVideoDecoderTest: mean 5.6 8-bit levels with 4 context frames). An exact chunked decode needs a decoder
 * exported with a convolution cache as inputs/outputs, as CogVideoX's own decoder keeps it.
 */
public final class LatentVideoDecoder {

    private final GeneratorBundle bundle;
    private final int chunk;
    private final int context;

    public LatentVideoDecoder(GeneratorBundle bundle, int chunk, int context) {
        if (chunk < 1 || context < 1) {
            throw new IllegalArgumentException("decode chunk and context must be >= 1 latent frame, got " + chunk + ", " + context);
        }
        this.bundle = bundle;
        this.chunk = chunk;
        this.context = context;
    }

    public List<BufferedImage> decode(Tensor latents) {
        long[] s = latents.shape();
        int lf = (int) s[0];
        int frameValues = (int) (s[1] * s[2] * s[3]);
        float[] all = latents.toFloatArray();
        LatentGeometry g = bundle.geometry();
        int height = (int) s[2] * g.spatialFactor();
        int width = (int) s[3] * g.spatialFactor();
        List<BufferedImage> frames = new ArrayList<>(g.videoFrames(lf));
        for (int start = 0; start < lf; start += chunk) {
            int end = Math.min(lf, start + chunk);
            int from = Math.max(0, start - context);
            float[] window = java.util.Arrays.copyOfRange(all, from * frameValues, end * frameValues);
            Tensor video = bundle.session(Role.VAE_DECODER).run(Map.of("latents", Tensor.ofFloats(
                    new long[] {1, end - from, s[1], s[2], s[3]}, window))).get("video");
            float[] pixels = video.toFloatArray();
            int decoded = (int) video.shape()[1];
            // latent frame 0 gives 1 frame, every later one temporalFactor frames
            int keep = g.videoFrames(end) - (start == 0 ? 0 : g.videoFrames(start));
            int plane = 3 * width * height;
            for (int f = decoded - keep; f < decoded; f++) {
                frames.add(ImageTensors.fromSignedChw(pixels, f * plane, width, height));
            }
        }
        return frames;
    }
}
