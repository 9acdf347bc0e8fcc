package dev.idstream.decode;

import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.generator.ImageTensors;
import dev.idstream.core.generator.LatentGeometry;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.TensorSpec;
import dev.idstream.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VAE-decodes latents {@code [F', C, h, w]} into 8-bit RGB frames, at most {@code chunk} latent frames per run so
 * memory stays bounded for long videos.
 *
 * <p>Chunked decoding is exact: the bundle's decoder takes and returns the time context of each causal convolution
 * ({@code cache_NN} in, {@code cache_out_NN} out; models/README.md). The first chunk passes every cache empty
 * ({@code [1, C, 0, 1, 1]}), each later chunk the caches the previous one returned, so the frames equal one
 * whole-video decode. A decoder without cache inputs can only decode exactly in one run, and gets every frame at once.
 */
public final class LatentVideoDecoder {

    static final String CACHE_IN = "cache_";
    static final String CACHE_OUT = "cache_out_";

    private final GeneratorBundle bundle;
    private final int chunk;

    public LatentVideoDecoder(GeneratorBundle bundle, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("decode chunk must be >= 1 latent frame, got " + chunk);
        }
        this.bundle = bundle;
        this.chunk = chunk;
    }

    public List<BufferedImage> decode(Tensor latents) {
        LatentGeometry g = bundle.geometry();
        int height = (int) latents.shape()[2] * g.spatialFactor();
        int width = (int) latents.shape()[3] * g.spatialFactor();
        int plane = 3 * width * height;
        List<BufferedImage> frames = new ArrayList<>(g.videoFrames((int) latents.shape()[0]));
        decodeChunks(latents, (pixels, count) -> {
            for (int f = 0; f < count; f++) {
                frames.add(ImageTensors.fromSignedChw(pixels, f * plane, width, height));
            }
        });
        return frames;
    }

    /** Receives each chunk's frames, {@code [frames, 3, H, W]} floats as the decoder gives them (not clamped). */
    interface ChunkSink {
        void accept(float[] pixels, int frames);
    }

    void decodeChunks(Tensor latents, ChunkSink sink) {
        long[] s = latents.shape();
        int lf = (int) s[0];
        int frameValues = (int) (s[1] * s[2] * s[3]);
        float[] all = latents.toFloatArray();
        LatentGeometry g = bundle.geometry();
        OnnxSession session = bundle.session(Role.VAE_DECODER);
        Map<String, Tensor> caches = emptyCaches(session);
        int step = caches.isEmpty() ? lf : chunk;
        for (int start = 0; start < lf; start += step) {
            int end = Math.min(lf, start + step);
            Map<String, Tensor> feeds = new HashMap<>(caches);
            feeds.put("latents", Tensor.ofFloats(new long[] {1, end - start, s[1], s[2], s[3]},
                    Arrays.copyOfRange(all, start * frameValues, end * frameValues)));
            Map<String, Tensor> out = session.run(feeds);
            Tensor video = out.get("video");
            // latent frame 0 gives 1 frame, every later one temporalFactor frames
            int expected = g.videoFrames(end) - (start == 0 ? 0 : g.videoFrames(start));
            if (video.shape()[1] != expected) {
                throw new IllegalStateException("the VAE decoder gave " + video.shape()[1] + " frames for latent frames "
                        + start + ".." + (end - 1) + ", expected " + expected);
            }
            sink.accept(video.toFloatArray(), expected);
            caches = nextCaches(caches, out);
        }
    }

    /** Every cache input of the decoder, empty: the state before the video's first frame. */
    static Map<String, Tensor> emptyCaches(OnnxSession session) {
        Map<String, Tensor> caches = new LinkedHashMap<>();
        for (TensorSpec spec : session.inputs()) {
            if (spec.name().startsWith(CACHE_IN)) {
                long[] shape = {1, spec.shape()[1], 0, 1, 1};
                caches.put(spec.name(), Tensor.ofFloats(shape, new float[0]));
            }
        }
        return caches;
    }

    private static Map<String, Tensor> nextCaches(Map<String, Tensor> given, Map<String, Tensor> out) {
        Map<String, Tensor> next = new LinkedHashMap<>();
        for (String name : given.keySet()) {
            Tensor returned = out.get(CACHE_OUT + name.substring(CACHE_IN.length()));
            if (returned == null) {
                throw new IllegalStateException("the VAE decoder takes " + name + " but returns no "
                        + CACHE_OUT + name.substring(CACHE_IN.length()));
            }
            next.put(name, returned);
        }
        return next;
    }
}
