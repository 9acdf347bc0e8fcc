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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The generation loop of a generator bundle: text encoder once for prompt and negative prompt, the reference image
 * through the VAE encoder as latent frame 0 (I2V), then the DiT with classifier-free guidance (cond and uncond rows
 * in one batch) and the CogVideoX DPM scheduler. One {@link java.util.Random} seeded with the request's seed draws
 * the initial noise and then the scheduler's noise, so a seed fixes the latents.
 *
 * <p>{@link #generateBatch} runs several requests of one {@link Shape} through the DiT together: rows
 * {@code [cond_0, uncond_0, cond_1, uncond_1, ...]} in one denoiser run per step. Everything else stays per request
 * (prompt encodings, V_F, reference latent, seed, noise, scheduler state, guidance scale), so a request's latents
 * do not depend on the batch it ran in.
 */
public final class VideoDenoiser {

    /** What the loop needs of a request. */
    public record Request(String prompt, String negativePrompt, long seed, int frames, int width, int height,
                          int steps, float guidanceScale) {

        public Shape shape() {
            return new Shape(frames, width, height, steps);
        }
    }

    /** What requests must share to run through the DiT together: the latent shape and the timesteps. */
    public record Shape(int frames, int width, int height, int steps) {
    }

    /** Called after every step; may throw to stop (e.g. on cancellation). */
    public interface StepListener {
        void afterStep(int step, int total) throws Exception;
    }

    /** One request of a batch with its inputs and its own step listener. */
    public record Job(Request request, Tensor idTokens, BufferedImage reference, StepListener listener) {
    }

    /**
     * The denoised latents {@code [F', C, h, w]} and where the time went (for a request run in a batch: the batch's
     * times).
     */
    public record Result(Tensor latents, long totalNanos, long onnxNanos, long denoiserNanos, int steps) {
        public double outsideOnnxShare() {
            return 1.0 - (double) onnxNanos / totalNanos;
        }
    }

    /** What became of one job of a batch: its result, or what its listener threw (it then left the batch). */
    public record Outcome(Result result, Exception failure) {
    }

    private final GeneratorBundle bundle;

    public VideoDenoiser(GeneratorBundle bundle) {
        this.bundle = bundle;
    }

    public Result generate(Request r, Tensor idTokens, BufferedImage reference, StepListener listener) throws Exception {
        Outcome outcome = generateBatch(List.of(new Job(r, idTokens, reference, listener))).get(0);
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.result();
    }

    /**
     * Runs jobs of one shape together. A job whose listener throws leaves the batch at that step (the others go on) and
     * gets the exception as its outcome; a fault of a model run fails the whole call.
     *
     * @return one outcome per job, in order
     */
    public List<Outcome> generateBatch(List<Job> jobs) throws Exception {
        long start = System.nanoTime();
        Shape shape = jobs.get(0).request().shape();
        for (Job job : jobs) {
            if (!job.request().shape().equals(shape)) {
                throw new IllegalArgumentException("a batch needs one shape; " + job.request().shape() + " differs from " + shape);
            }
        }
        LatentGeometry g = bundle.geometry();
        int lf = g.latentFrames(shape.frames());
        int c = g.channels();
        int h = shape.height() / g.spatialFactor();
        int w = shape.width() / g.spatialFactor();
        int frameSize = c * h * w;
        int sampleSize = lf * frameSize;
        Timer onnx = new Timer();
        List<Trajectory> trajectories = new ArrayList<>();
        for (Job job : jobs) {
            trajectories.add(new Trajectory(job, onnx, sampleSize));
        }
        int[] timesteps = trajectories.get(0).scheduler.timesteps();

        // denoiser input rows [noisy | reference] on the channel axis; the reference latent only in frame 0
        int inFrame = 2 * frameSize;
        long[] textShape = trajectories.get(0).textShape;
        int textSize = trajectories.get(0).text.length / 2;
        int idSize = trajectories.get(0).idRows.length / 2;
        long denoiserStart = System.nanoTime();
        for (int s = 0; s < timesteps.length; s++) {
            int t = timesteps[s];
            List<Trajectory> active = trajectories.stream().filter(tr -> tr.failure == null).toList();
            if (active.isEmpty()) {
                break;
            }
            int rows = 2 * active.size();
            float[] input = new float[rows * lf * inFrame];
            float[] text = new float[rows * textSize];
            float[] id = new float[rows * idSize];
            for (int k = 0; k < active.size(); k++) {
                Trajectory tr = active.get(k);
                for (int row = 2 * k; row < 2 * k + 2; row++) {
                    System.arraycopy(tr.referenceLatent, 0, input, row * lf * inFrame + frameSize, frameSize);
                    for (int f = 0; f < lf; f++) {
                        System.arraycopy(tr.sample, f * frameSize, input, row * lf * inFrame + f * inFrame, frameSize);
                    }
                }
                System.arraycopy(tr.text, 0, text, 2 * k * textSize, 2 * textSize);
                System.arraycopy(tr.idRows, 0, id, 2 * k * idSize, 2 * idSize);
            }
            float[] timestep = new float[rows];
            java.util.Arrays.fill(timestep, t);
            float[] out = onnx.run(bundle.session(Role.DENOISER), Map.of(
                    "latents", Tensor.ofFloats(new long[] {rows, lf, 2L * c, h, w}, input),
                    "timestep", Tensor.ofFloats(new long[] {rows}, timestep),
                    "text_hidden_states", Tensor.ofFloats(new long[] {rows, textShape[1], textShape[2]}, text),
                    "id_tokens", Tensor.ofFloats(new long[] {rows, g.idTokensShape()[0], g.idTokensShape()[1]}, id)))
                    .get("model_output").toFloatArray();
            for (int k = 0; k < active.size(); k++) {
                Trajectory tr = active.get(k);
                int cond = 2 * k * sampleSize;
                int uncondAt = cond + sampleSize;
                float[] guided = new float[sampleSize];
                float scale = tr.job.request().guidanceScale();
                for (int i = 0; i < sampleSize; i++) {
                    float uncond = out[uncondAt + i];
                    guided[i] = uncond + scale * (out[cond + i] - uncond);
                }
                tr.sample = tr.scheduler.step(guided, t, tr.sample);
            }
            for (Trajectory tr : active) {
                try {
                    tr.job.listener().afterStep(s + 1, timesteps.length);
                } catch (Exception e) {
                    tr.failure = e;
                }
            }
        }
        long end = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>();
        for (Trajectory tr : trajectories) {
            outcomes.add(tr.failure != null ? new Outcome(null, tr.failure) : new Outcome(new Result(
                    Tensor.ofFloats(new long[] {lf, c, h, w}, tr.sample), end - start, onnx.nanos, end - denoiserStart, timesteps.length), null));
        }
        return outcomes;
    }

    /** The per-request state of the loop: encodings, seeded noise, scheduler. */
    private final class Trajectory {
        final Job job;
        final float[] text;
        final long[] textShape;
        final float[] referenceLatent;
        final float[] idRows;
        final DiffusionScheduler scheduler;
        float[] sample;
        Exception failure;

        Trajectory(Job job, Timer onnx, int sampleSize) {
            this.job = job;
            Request r = job.request();
            Tensor encoded = onnx.run(bundle.session(Role.TEXT_ENCODER), Map.of("input_ids", Tensor.ofLongs(
                    new long[] {2, bundle.tokenizer().maxLength()},
                    concat(bundle.tokenizer().encode(r.prompt()), bundle.tokenizer().encode(r.negativePrompt())))))
                    .get("text_hidden_states");
            text = encoded.toFloatArray();
            textShape = encoded.shape();
            referenceLatent = onnx.run(bundle.session(Role.VAE_ENCODER), Map.of("video", Tensor.ofFloats(
                    new long[] {1, 1, 3, r.height(), r.width()},
                    ImageTensors.signedChw(ImageTensors.coverResize(job.reference(), r.width(), r.height())))))
                    .get("latents").toFloatArray();
            float[] id = job.idTokens().toFloatArray();
            idRows = concat(id, id);
            Random random = new Random(r.seed());
            sample = new float[sampleSize];
            for (int i = 0; i < sampleSize; i++) {
                sample[i] = (float) random.nextGaussian();
            }
            scheduler = new CogVideoXDpmScheduler(bundle.schedulerConfig(), random);
            scheduler.setTimesteps(r.steps());
        }
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
