package dev.idstream.aggregates;

/**
 * Sufficient statistics of a set of D-dimensional samples, in float64: the count n, the mean and the co-moment
 * matrix M = Σ (x - mean)(x - mean)ᵀ (the covariance is M / (n - 1)).
 *
 * <p>Why mean and co-moment rather than Σx and Σxxᵀ: they hold the same information, but subtracting n·mean·meanᵀ from
 * Σxxᵀ loses digits when the mean is large against the spread (Inception features are non-negative with means well
 * above their standard deviations). Batches merge exactly with Chan et al.'s update:
 * M = M_a + M_b + δδᵀ·n_a·n_b / n, δ = mean_b - mean_a.
 */
final class GaussianStats {

    private final int dim;
    private long count;
    private final double[] mean;
    /** Row-major D×D, kept exactly symmetric. */
    private final double[] comoment;

    GaussianStats(int dim) {
        this(dim, 0, new double[dim], new double[dim * dim]);
    }

    GaussianStats(int dim, long count, double[] mean, double[] comoment) {
        if (dim <= 0 || mean.length != dim || comoment.length != dim * dim || count < 0) {
            throw new IllegalArgumentException("inconsistent statistics: dim " + dim + ", count " + count + ", mean of "
                    + mean.length + ", co-moment of " + comoment.length + " values");
        }
        this.dim = dim;
        this.count = count;
        this.mean = mean;
        this.comoment = comoment;
    }

    int dim() {
        return dim;
    }

    long count() {
        return count;
    }

    double[] mean() {
        return mean;
    }

    double[] comoment() {
        return comoment;
    }

    /** Adds {@code rows} samples stored row-major in {@code samples} (rows × D). */
    void addAll(float[] samples, int rows) {
        if (samples.length != rows * dim) {
            throw new IllegalArgumentException(rows + " samples of dimension " + dim + " need " + rows * dim + " values, got " + samples.length);
        }
        if (rows == 0) {
            return;
        }
        // The batch's own mean and co-moment, then one merge.
        double[] batchMean = new double[dim];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < dim; i++) {
                batchMean[i] += samples[r * dim + i];
            }
        }
        for (int i = 0; i < dim; i++) {
            batchMean[i] /= rows;
        }
        double[] batchComoment = new double[dim * dim];
        double[] centred = new double[dim];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < dim; i++) {
                centred[i] = samples[r * dim + i] - batchMean[i];
            }
            addOuterUpper(batchComoment, centred, 1.0);
        }
        merge(rows, batchMean, batchComoment);
    }

    private void merge(long otherCount, double[] otherMean, double[] otherUpperComoment) {
        long total = count + otherCount;
        double[] delta = new double[dim];
        for (int i = 0; i < dim; i++) {
            delta[i] = otherMean[i] - mean[i];
        }
        double weight = (double) count * otherCount / total;
        for (int i = 0; i < dim; i++) {
            int row = i * dim;
            for (int j = i; j < dim; j++) {
                comoment[row + j] += otherUpperComoment[row + j];
            }
        }
        addOuterUpper(comoment, delta, weight);
        mirrorUpper(comoment);
        for (int i = 0; i < dim; i++) {
            mean[i] += delta[i] * otherCount / total;
        }
        count = total;
    }

    /** Adds w·v·vᵀ to the upper triangle (j ≥ i) only: half the work, mirrored once per merge. */
    private void addOuterUpper(double[] matrix, double[] v, double w) {
        for (int i = 0; i < dim; i++) {
            double vi = v[i] * w;
            if (vi == 0) {
                continue;
            }
            int row = i * dim;
            for (int j = i; j < dim; j++) {
                matrix[row + j] += vi * v[j];
            }
        }
    }

    private void mirrorUpper(double[] matrix) {
        for (int i = 0; i < dim; i++) {
            for (int j = i + 1; j < dim; j++) {
                matrix[j * dim + i] = matrix[i * dim + j];
            }
        }
    }

    /** Unbiased covariance, M / (n - 1); needs n ≥ 2. */
    double[] covariance() {
        if (count < 2) {
            throw new IllegalStateException("a covariance needs at least 2 samples, have " + count);
        }
        double[] cov = comoment.clone();
        double scale = 1.0 / (count - 1);
        for (int i = 0; i < cov.length; i++) {
            cov[i] *= scale;
        }
        return cov;
    }
}
