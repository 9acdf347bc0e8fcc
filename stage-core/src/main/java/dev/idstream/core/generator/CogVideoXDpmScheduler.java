package dev.idstream.core.generator;

import java.util.Random;

/**
 * CogVideoX's {@code CogVideoXDPMScheduler}: a second-order multistep DPM-Solver++ (SDE variant) in log-SNR
 * λ = log √(ᾱ/(1−ᾱ)). With h = λ_prev − λ_t and r = h_last / h:
 * <pre>
 *   first step:  x' = √((1−ᾱ')/(1−ᾱ))·e^{−h}·x − expm1(−2h)·√ᾱ'·x̂0 + √(1−ᾱ')·√(1−e^{−2h})·z
 *   later steps: the same with x̂0 replaced by (1 + 1/2r)·x̂0 − 1/2r·x̂0_previous
 * </pre>
 * The noise z comes from the given seeded {@link Random} (Gaussian, in element order), so a seed fixes the result.
 * At the last step ᾱ' = 1 and the update returns x̂0 itself.
 */
public final class CogVideoXDpmScheduler extends DiffusionScheduler {

    private final Random noise;
    private float[] previousOriginal;
    private int previousTimestep = -1;

    public CogVideoXDpmScheduler(SchedulerConfig config, Random noise) {
        super(config);
        this.noise = noise;
    }

    @Override
    protected void reset() {
        previousOriginal = null;
        previousTimestep = -1;
    }

    @Override
    public float[] step(float[] modelOutput, int t, float[] sample) {
        checkLengths(modelOutput, sample);
        double alpha = alphasCumprod[t];
        double prev = alphaPrev(t);
        boolean last = prev == finalAlphaCumprod && t - config.numTrainTimesteps() / timesteps().length < 0;
        float[] x0 = predictOriginal(modelOutput, alpha, sample);

        // ᾱ = 0 (zero terminal SNR) and ᾱ' = 1 give λ = ∓∞; the infinities cancel to the limits (mult1 = 0, r = ∞)
        double lambda = lambda(alpha);
        double h = lambda(prev) - lambda;
        double mult1 = Math.sqrt((1 - prev) / (1 - alpha)) * Math.exp(-h);
        double mult2 = Math.expm1(-2 * h) * Math.sqrt(prev);
        double multNoise = Math.sqrt(1 - prev) * Math.sqrt(-Math.expm1(-2 * h));
        float[] denoised = x0;
        if (previousOriginal != null && !last) {
            double r = (lambda - lambda(alphasCumprod[previousTimestep])) / h;
            double mult3 = 1 + 1 / (2 * r);
            double mult4 = 1 / (2 * r);
            denoised = new float[x0.length];
            for (int i = 0; i < x0.length; i++) {
                denoised[i] = (float) (mult3 * x0[i] - mult4 * previousOriginal[i]);
            }
        }
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            double z = noise.nextGaussian();
            out[i] = (float) (mult1 * sample[i] - mult2 * denoised[i] + multNoise * z);
        }
        previousOriginal = x0;
        previousTimestep = t;
        return out;
    }

    private static double lambda(double alphaCumprod) {
        return Math.log(Math.sqrt(alphaCumprod / (1 - alphaCumprod)));
    }
}
