package dev.idstream.core.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.idstream.core.generator.SchedulerConfig.PredictionType;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    /**
     * Reference values computed independently with Debian's torch 1.13 (/usr/bin/python3):
     * {@code b = torch.linspace(0.00085**0.5, 0.012**0.5, 1000, dtype=torch.float64)**2;
     * a = torch.cumprod(1 - b, 0); a[0], a[499], a[999]}.
     */
    @Test
    void shouldMatchTorchAlphasCumprodWhenScaledLinear() {
        double[] a = SchedulerConfig.scaledLinear(0.00085, 0.012, 1000, PredictionType.EPSILON, false).alphasCumprod();

        assertThat(a[0]).isCloseTo(0.99915, within(1e-12));
        assertThat(a[499]).isCloseTo(0.27766965045646774, within(1e-12));
        assertThat(a[999]).isCloseTo(0.004660098513077241, within(1e-12));
    }

    @Test
    void shouldReachZeroTerminalSnrWhenRescaled() {
        double[] a = SchedulerConfig.scaledLinear(0.00085, 0.012, 1000, PredictionType.V_PREDICTION, true).alphasCumprod();

        assertThat(a[0]).isCloseTo(0.99915, within(1e-12));
        assertThat(a[999]).isEqualTo(0.0);
        assertThat(a[499]).isBetween(0.0, 0.27766965045646774);
    }

    @Test
    void shouldSpaceTimestepsTrailingLikeDiffusers() {
        DdimScheduler s = new DdimScheduler(config(PredictionType.V_PREDICTION, true));
        s.setTimesteps(8);
        assertThat(s.timesteps()).containsExactly(999, 874, 749, 624, 499, 374, 249, 124);
        s.setTimesteps(3); // numpy: round(arange(1000, 0, -333.33)) - 1
        assertThat(s.timesteps()).containsExactly(999, 666, 332);
    }

    @Test
    void shouldRefuseStepCountsOutsideTheTrainingRange() {
        DdimScheduler s = new DdimScheduler(config(PredictionType.V_PREDICTION, true));
        assertThatThrownBy(() -> s.setTimesteps(0)).hasMessageContaining("steps is 0");
        assertThatThrownBy(() -> s.setTimesteps(10000)).hasMessageContaining("steps is 10000; the scheduler allows 1..1000");
    }

    @Test
    void shouldRecoverX0WhenDdimGetsTheTrueVelocity() {
        assertRecovers(new DdimScheduler(config(PredictionType.V_PREDICTION, true)), 8);
        assertRecovers(new DdimScheduler(config(PredictionType.V_PREDICTION, false)), 25);
    }

    @Test
    void shouldRecoverX0WhenDdimGetsTheTrueNoise() {
        assertRecovers(new DdimScheduler(config(PredictionType.EPSILON, false)), 8);
    }

    @Test
    void shouldRecoverX0WhenDpmGetsTheTrueVelocity() {
        assertRecovers(new CogVideoXDpmScheduler(config(PredictionType.V_PREDICTION, true), new Random(7)), 8);
        assertRecovers(new CogVideoXDpmScheduler(config(PredictionType.V_PREDICTION, false), new Random(7)), 50);
    }

    @Test
    void shouldRecoverX0WhenDpmGetsTheTrueNoise() {
        assertRecovers(new CogVideoXDpmScheduler(config(PredictionType.EPSILON, false), new Random(7)), 8);
    }

    @Test
    void shouldRepeatDpmSamplesWhenTheSeedRepeats() {
        float[] a = sample(new CogVideoXDpmScheduler(config(PredictionType.V_PREDICTION, true), new Random(3)));
        float[] b = sample(new CogVideoXDpmScheduler(config(PredictionType.V_PREDICTION, true), new Random(3)));
        float[] c = sample(new CogVideoXDpmScheduler(config(PredictionType.V_PREDICTION, true), new Random(4)));
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    /** An intermediate sample (3 of 8 steps) with a model that is not an oracle, so the noise shows. */
    private static float[] sample(DiffusionScheduler s) {
        s.setTimesteps(8);
        float[] x = gaussian(new Random(1), 64);
        for (int i = 0; i < 3; i++) {
            float[] out = x.clone();
            x = s.step(out, s.timesteps()[i], x);
        }
        return x;
    }

    private static SchedulerConfig config(PredictionType type, boolean zeroSnr) {
        return SchedulerConfig.scaledLinear(0.00085, 0.012, 1000, type, zeroSnr);
    }

    /**
     * Starts from x_T = √ᾱ_T·x0 + √(1−ᾱ_T)·ε and lets an oracle return the exact model output for the known x0
     * at each sample it is shown: ε̂ = (x − √ᾱ·x0)/√(1−ᾱ), v = √ᾱ·ε̂ − √(1−ᾱ)·x0. Every sampler must end at x0.
     */
    private static void assertRecovers(DiffusionScheduler s, int steps) {
        Random rng = new Random(42);
        float[] x0 = gaussian(rng, 256);
        float[] eps = gaussian(rng, 256);
        s.setTimesteps(steps);
        int first = s.timesteps()[0];
        double aT = s.alphaCumprod(first);
        float[] x = new float[x0.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (Math.sqrt(aT) * x0[i] + Math.sqrt(1 - aT) * eps[i]);
        }
        for (int t : s.timesteps()) {
            double a = s.alphaCumprod(t);
            float[] sample = x;
            Function<Integer, Double> epsHat = i -> (sample[i] - Math.sqrt(a) * x0[i]) / Math.sqrt(1 - a);
            float[] out = new float[x.length];
            for (int i = 0; i < out.length; i++) {
                double e = epsHat.apply(i);
                out[i] = (float) (s.config.predictionType() == PredictionType.V_PREDICTION
                        ? Math.sqrt(a) * e - Math.sqrt(1 - a) * x0[i] : e);
            }
            x = s.step(out, t, x);
        }
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).as("element %d after %d steps", i, steps).isCloseTo(x0[i], within(1e-4f));
        }
    }

    private static float[] gaussian(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }
}
