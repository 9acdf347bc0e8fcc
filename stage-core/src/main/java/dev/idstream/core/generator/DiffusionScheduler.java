package dev.idstream.core.generator;

/**
 * A diffusers-style sampler: {@link #setTimesteps(int)}, then for each of {@link #timesteps()} in order
 * {@code sample = step(modelOutput, t, sample)}. Timesteps use "trailing" spacing:
 * {@code round(arange(T, 0, -T/n)) - 1}, so the first step starts at T − 1 (pure noise with zero terminal SNR).
 * Arrays are flat; coefficients are computed in double, the arithmetic on samples in float.
 */
public abstract class DiffusionScheduler {

    protected final SchedulerConfig config;
    protected final double[] alphasCumprod;
    protected final double finalAlphaCumprod;
    private int[] timesteps = new int[0];

    protected DiffusionScheduler(SchedulerConfig config) {
        this.config = config;
        this.alphasCumprod = config.alphasCumprod();
        this.finalAlphaCumprod = config.setAlphaToOne() ? 1.0 : alphasCumprod[0];
    }

    public void setTimesteps(int inferenceSteps) {
        int train = config.numTrainTimesteps();
        if (inferenceSteps < 1 || inferenceSteps > train) {
            throw new IllegalArgumentException("steps is " + inferenceSteps + "; the scheduler allows 1.."
                    + train + " (its number of training timesteps)");
        }
        double ratio = (double) train / inferenceSteps;
        timesteps = new int[inferenceSteps];
        for (int i = 0; i < inferenceSteps; i++) {
            timesteps[i] = (int) Math.rint(train - i * ratio) - 1; // numpy round: half to even, like rint
        }
        reset();
    }

    public int[] timesteps() {
        return timesteps.clone();
    }

    public double alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** One denoising step from timestep {@code t}: returns the sample at the next (smaller) timestep. */
    public abstract float[] step(float[] modelOutput, int t, float[] sample);

    /** Clears multistep state; called by {@link #setTimesteps}. */
    protected void reset() {
    }

    /** diffusers' previous timestep: t − T // n, whose ᾱ is {@code finalAlphaCumprod} below 0. */
    protected double alphaPrev(int t) {
        int prev = t - config.numTrainTimesteps() / timesteps.length;
        return prev >= 0 ? alphasCumprod[prev] : finalAlphaCumprod;
    }

    protected float[] predictOriginal(float[] modelOutput, double alpha, float[] sample) {
        float[] x0 = new float[sample.length];
        double sa = Math.sqrt(alpha);
        double sb = Math.sqrt(1 - alpha);
        if (config.predictionType() == SchedulerConfig.PredictionType.V_PREDICTION) {
            for (int i = 0; i < x0.length; i++) {
                x0[i] = (float) (sa * sample[i] - sb * modelOutput[i]);
            }
        } else {
            for (int i = 0; i < x0.length; i++) {
                x0[i] = (float) ((sample[i] - sb * modelOutput[i]) / sa);
            }
        }
        return x0;
    }

    protected float[] predictEpsilon(float[] modelOutput, double alpha, float[] sample) {
        if (config.predictionType() == SchedulerConfig.PredictionType.EPSILON) {
            return modelOutput;
        }
        float[] eps = new float[sample.length];
        double sa = Math.sqrt(alpha);
        double sb = Math.sqrt(1 - alpha);
        for (int i = 0; i < eps.length; i++) {
            eps[i] = (float) (sa * modelOutput[i] + sb * sample[i]);
        }
        return eps;
    }

    protected static void checkLengths(float[] modelOutput, float[] sample) {
        if (modelOutput.length != sample.length) {
            throw new IllegalArgumentException("model output has " + modelOutput.length + " values, the sample "
                    + sample.length);
        }
    }
}
