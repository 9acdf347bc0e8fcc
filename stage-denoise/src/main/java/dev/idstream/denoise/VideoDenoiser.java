package dev.idstream.denoise;

import dev.idstream.core.generator.CogVideoXDpmScheduler;
import dev.idstream.core.generator.DiffusionScheduler;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.generator.ImageTensors;
import dev.idstream.core.generator.LatentGeometry;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Random;

/**
 * The generation loop of a generator bundle: text encoder once for prompt and negative prompt, the reference image
 * through the VAE encoder as latent frame 0 (I2V), then the DiT with classifier-free guidance (cond and uncond rows
 * in one batch) and the CogVideoX DPM scheduler. One {@link java.util.Random} seeded with the request's seed draws
 * the initial noise and then the scheduler's noise, so a seed fixes the latents.
 */
public final class VideoDenoiser {

    /** What the loop needs of a request. */
    public record Request(String prompt, String negativePrompt, long seed, int frames, int width, int height,
                          int steps, float guidanceScale) {
    }

    /** Called after every step; may throw to stop (e.g. on cancellation). */
    public interface StepListener {
        void afterStep(int step, int total) throws Exception;
    }

    /** The denoised latents {@code [F', C, h, w]} and where the time went. */
    public record Result(Tensor latents, long totalNanos, long onnxNanos, long denoiserNanos, int steps) {
        public double outsideOnnxShare() {
            return 1.0 - (double) onnxNanos / totalNanos;
        }
    }

    private final GeneratorBundle bundle;

    public VideoDenoiser(GeneratorBundle bundle) {
        this.bundle = bundle;
    }

    public Result generate(Request r, Tensor idTokens, BufferedImage reference, StepListener listener) throws Exception {
        long start = System.nanoTime();
        LatentGeometry g = bundle.geometry();
        int lf = g.latentFrames(r.frames());
        int c = g.channels();
        int h = r.height() / g.spatialFactor();
        int w = r.width() / g.spatialFactor();
        int frameSize = c * h * w;
        int sampleSize = lf * frameSize;
        Timer onnx = new Timer();

        Tensor text = onnx.run(bundle.session(Role.TEXT_ENCODER), Map.of("input_ids", Tensor.ofLongs(
                new long[] {2, bundle.tokenizer().maxLength()},
                concat(bundle.tokenizer().encode(r.prompt()), bundle.tokenizer().encode(r.negativePrompt())))))
                .get("text_hidden_states");
        float[] referenceLatent = onnx.run(bundle.session(Role.VAE_ENCODER), Map.of("video", Tensor.ofFloats(
                new long[] {1, 1, 3, r.height(), r.width()},
                ImageTensors.signedChw(ImageTensors.coverResize(reference, r.width(), r.height())))))
                .get("latents").toFloatArray();
        float[] id = idTokens.toFloatArray();
        Tensor idRows = Tensor.ofFloats(new long[] {2, g.idTokensShape()[0], g.idTokensShape()[1]}, concat(id, id));

        Random random = new Random(r.seed());
        float[] sample = new float[sampleSize];
        for (int i = 0; i < sampleSize; i++) {
            sample[i] = (float) random.nextGaussian();
        }
        DiffusionScheduler scheduler = new CogVideoXDpmScheduler(bundle.schedulerConfig(), random);
        scheduler.setTimesteps(r.steps());
        int[] timesteps = scheduler.timesteps();

        // denoiser input rows [noisy | reference] on the channel axis; the reference latent only in frame 0
        int inFrame = 2 * frameSize;
        float[] input = new float[2 * lf * inFrame];
        for (int row = 0; row < 2; row++) {
            System.arraycopy(referenceLatent, 0, input, row * lf * inFrame + frameSize, frameSize);
        }
        long denoiserStart = System.nanoTime();
        for (int s = 0; s < timesteps.length; s++) {
            int t = timesteps[s];
            for (int row = 0; row < 2; row++) {
                for (int f = 0; f < lf; f++) {
                    System.arraycopy(sample, f * frameSize, input, row * lf * inFrame + f * inFrame, frameSize);
                }
            }
            float[] out = onnx.run(bundle.session(Role.DENOISER), Map.of(
                    "latents", Tensor.ofFloats(new long[] {2, lf, 2L * c, h, w}, input),
                    "timestep", Tensor.ofFloats(new long[] {2}, new float[] {t, t}),
                    "text_hidden_states", text,
                    "id_tokens", idRows)).get("model_output").toFloatArray();
            float[] guided = new float[sampleSize];
            for (int i = 0; i < sampleSize; i++) {
                float uncond = out[sampleSize + i];
                guided[i] = uncond + r.guidanceScale() * (out[i] - uncond);
            }
            sample = scheduler.step(guided, t, sample);
            listener.afterStep(s + 1, timesteps.length);
        }
        long end = System.nanoTime();
        Tensor latents = Tensor.ofFloats(new long[] {lf, c, h, w}, sample);
        return new Result(latents, end - start, onnx.nanos, end - denoiserStart, timesteps.length);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Sums the wall time spent inside ONNX Runtime sessions. */
    private static final class Timer {
        long nanos;

        Map<String, Tensor> run(OnnxSession session, Map<String, Tensor> feeds) {
            long t0 = System.nanoTime();
            try {
                return session.run(feeds);
            } finally {
                nanos += System.nanoTime() - t0;
            }
        }
    }
}
