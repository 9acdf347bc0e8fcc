package dev.idstream.aggregates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    private static final int DIM = 64;

    @Test
    void shouldEqualIndependentEigenAndNewtonSchulzComputationsOnRandomGaussianSets() {
        Random random = new Random(7);
        for (int trial = 0; trial < 3; trial++) {
            double[][] a = correlatedGaussian(random, 400, DIM, 0.0, 1.0);
            double[][] b = correlatedGaussian(random, 300, DIM, 0.3, 1.5);

            double ours = FrechetDistance.between(stats(a), stats(b));
            double byEigen = IndependentFrechet.byEigen(a, b);
            double byNewtonSchulz = IndependentFrechet.byNewtonSchulz(a, b, 60);

            assertThat(ours).isGreaterThan(1.0);
            assertThat(relative(ours, byEigen)).as("vs Jacobi eigendecomposition: %s vs %s", ours, byEigen).isLessThan(1e-6);
            assertThat(relative(ours, byNewtonSchulz)).as("vs Newton-Schulz: %s vs %s", ours, byNewtonSchulz).isLessThan(1e-6);
        }
    }

    @Test
    void shouldMatchTheIndependentComputationWhenCovariancesAreSingular() {
        Random random = new Random(11);
        // 16 and 24 samples in 64 dimensions: ranks 15 and 23, as with one video's 16 frames.
        double[][] a = correlatedGaussian(random, 16, DIM, 0.0, 1.0);
        double[][] b = correlatedGaussian(random, 24, DIM, 0.5, 1.0);

        double ours = FrechetDistance.between(stats(a), stats(b));

        assertThat(ours).isFinite().isPositive();
        assertThat(relative(ours, IndependentFrechet.byEigen(a, b))).isLessThan(1e-6);
    }

    @Test
    void shouldStayFiniteWithDuplicatedSamples() {
        Random random = new Random(13);
        double[][] base = correlatedGaussian(random, 5, DIM, 0.0, 1.0);
        double[][] repeated = new double[40][];
        for (int i = 0; i < repeated.length; i++) {
            repeated[i] = base[i % base.length];
        }
        double[][] constant = new double[10][];
        for (int i = 0; i < constant.length; i++) {
            constant[i] = base[0];
        }

        double repeatedVsOther = FrechetDistance.between(stats(repeated), stats(correlatedGaussian(random, 30, DIM, 0.2, 1.0)));
        double constantVsRepeated = FrechetDistance.between(stats(constant), stats(repeated));

        assertThat(repeatedVsOther).isFinite().isPositive();
        assertThat(constantVsRepeated).isFinite().isPositive();
        assertThat(relative(constantVsRepeated, IndependentFrechet.byEigen(constant, repeated))).isLessThan(1e-6);
    }

    @Test
    void shouldBeNearZeroForIdenticalSets() {
        Random random = new Random(17);
        double[][] full = correlatedGaussian(random, 200, DIM, 1.0, 1.0);
        double[][] singular = correlatedGaussian(random, 20, DIM, 1.0, 1.0);
        double scale = IndependentFrechet.byEigen(full, correlatedGaussian(random, 200, DIM, 0.0, 1.0));

        assertThat(FrechetDistance.between(stats(full), stats(full))).isCloseTo(0, within(1e-9 * scale));
        assertThat(FrechetDistance.between(stats(singular), stats(singular))).isCloseTo(0, within(1e-9 * scale));
    }

    @Test
    void shouldGiveTheSameStatisticsWhetherSamplesArriveAtOnceOrInBatches() {
        Random random = new Random(19);
        double[][] samples = correlatedGaussian(random, 50, 8, 3.0, 0.1);
        GaussianStats batched = new GaussianStats(8);
        for (int start = 0; start < samples.length; start += 16) {
            int rows = Math.min(16, samples.length - start);
            float[] batch = new float[rows * 8];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < 8; i++) {
                    batch[r * 8 + i] = (float) samples[start + r][i];
                }
            }
            batched.addAll(batch, rows);
        }
        double[][] asFloats = new double[samples.length][8];
        for (int r = 0; r < samples.length; r++) {
            for (int i = 0; i < 8; i++) {
                asFloats[r][i] = (float) samples[r][i];
            }
        }
        double[][] expected = IndependentFrechet.covariance(asFloats);
        double[] cov = batched.covariance();

        assertThat(batched.count()).isEqualTo(50);
        for (int i = 0; i < 8; i++) {
            assertThat(batched.mean()[i]).isCloseTo(IndependentFrechet.mean(asFloats)[i], within(1e-12));
            for (int j = 0; j < 8; j++) {
                assertThat(cov[i * 8 + j]).isCloseTo(expected[i][j], within(1e-12));
            }
        }
    }

    /** Samples x = μ + A·z with a random mixing matrix A, so the covariance is full and not diagonal. */
    static double[][] correlatedGaussian(Random random, int n, int dim, double meanShift, double spread) {
        double[][] mixing = new double[dim][dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                mixing[i][j] = random.nextGaussian() * spread / Math.sqrt(dim);
            }
        }
        double[][] samples = new double[n][dim];
        for (int r = 0; r < n; r++) {
            double[] z = new double[dim];
            for (int i = 0; i < dim; i++) {
                z[i] = random.nextGaussian();
            }
            for (int i = 0; i < dim; i++) {
                double v = meanShift + 0.1 * i / dim;
                for (int j = 0; j < dim; j++) {
                    v += mixing[i][j] * z[j];
                }
                samples[r][i] = (float) v; // the features arrive as float32
            }
        }
        return samples;
    }

    static GaussianStats stats(double[][] samples) {
        int dim = samples[0].length;
        GaussianStats stats = new GaussianStats(dim);
        float[] all = new float[samples.length * dim];
        for (int r = 0; r < samples.length; r++) {
            for (int i = 0; i < dim; i++) {
                all[r * dim + i] = (float) samples[r][i];
            }
        }
        stats.addAll(all, samples.length);
        return stats;
    }

    private static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    }
}
