package dev.idstream.aggregates;

import org.ejml.data.DMatrixRMaj;

/**
 * Σ = BBᵀ for a symmetric positive semi-definite Σ, with B of the numerical rank r (dim×r): Cholesky with diagonal
 * pivoting (LAPACK's dpstrf), stopped when every remaining diagonal entry of the Schur complement is round-off
 * (≤ dim·ε·max diag, numpy's rank tolerance). Costs O(dim·r²), so the covariance of a few dozen samples factors in
 * milliseconds even at dim 2048, where a full eigendecomposition takes tens of seconds.
 */
final class PivotedCholesky {

    private PivotedCholesky() {}

    static DMatrixRMaj factor(int dim, double[] sym) {
        double[] remaining = new double[dim];
        double largest = 0;
        for (int i = 0; i < dim; i++) {
            remaining[i] = sym[i * dim + i];
            largest = Math.max(largest, remaining[i]);
        }
        double tolerance = largest * dim * Math.ulp(1.0);
        int[] order = new int[dim];
        for (int i = 0; i < dim; i++) {
            order[i] = i;
        }
        // Row i of the factor, in original index order, grows by one entry per pivot.
        double[][] rows = new double[dim][dim];
        int rank = 0;
        while (rank < dim) {
            int best = rank;
            for (int i = rank + 1; i < dim; i++) {
                if (remaining[order[i]] > remaining[order[best]]) {
                    best = i;
                }
            }
            int pivot = order[best];
            if (!(remaining[pivot] > tolerance)) {
                break;
            }
            order[best] = order[rank];
            order[rank] = pivot;
            double root = Math.sqrt(remaining[pivot]);
            double[] pivotRow = rows[pivot];
            pivotRow[rank] = root;
            for (int i = rank + 1; i < dim; i++) {
                int row = order[i];
                double[] r = rows[row];
                double value = sym[row * dim + pivot];
                for (int j = 0; j < rank; j++) {
                    value -= r[j] * pivotRow[j];
                }
                value /= root;
                r[rank] = value;
                remaining[row] -= value * value;
            }
            remaining[pivot] = 0;
            rank++;
        }
        DMatrixRMaj b = new DMatrixRMaj(dim, rank);
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < rank; j++) {
                b.unsafe_set(i, j, rows[i][j]);
            }
        }
        return b;
    }
}
