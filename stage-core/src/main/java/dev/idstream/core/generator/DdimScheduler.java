package dev.idstream.core.generator;

/** Deterministic DDIM (η = 0), as diffusers' {@code DDIMScheduler} / {@code CogVideoXDDIMScheduler}. */
public final class DdimScheduler extends DiffusionScheduler {

    public DdimScheduler(SchedulerConfig config) {
        super(config);
    }

    @Override
    public float[] step(float[] modelOutput, int t, float[] sample) {
        checkLengths(modelOutput, sample);
        double alpha = alphasCumprod[t];
        double prev = alphaPrev(t);
        float[] x0 = predictOriginal(modelOutput, alpha, sample);
        float[] eps = predictEpsilon(modelOutput, alpha, sample);
        double a = Math.sqrt(prev);
        double b = Math.sqrt(1 - prev);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (a * x0[i] + b * eps[i]);
        }
        return out;
    }
}
