package dev.idstream.aggregates;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Fréchet distance between two Gaussians (DESIGN.md §6, face FID in {@code set} mode):
 * d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2·tr √(Σ₁Σ₂).
 *
 * <p>The trace of the square root stays real and finite for singular covariances (fewer samples than dimensions,
 * repeated samples), where scipy's {@code sqrtm} of the non-symmetric product Σ₁Σ₂ returns complex noise or NaN:
 * factor Σ₁ = BBᵀ with B of rank r (pivoted Cholesky, stopped at round-off); then Σ₁Σ₂ = B(BᵀΣ₂) has the same
 * non-zero eigenvalues as the symmetric positive semi-definite r×r matrix BᵀΣ₂B, so
 * tr √(Σ₁Σ₂) = Σᵢ √max(0, μᵢ) over its eigenvalues (EJML's symmetric eigensolver). The side with fewer samples is
 * factored, so r ≤ min(n) − 1 and a run with few references needs only a small eigenproblem.
 */
final class FrechetDistance {

    private FrechetDistance() {}

    /** Both covariances are dim×dim row-major and symmetric. */
    static double between(double[] mean1, double[] cov1, double[] mean2, double[] cov2) {
        int dim = mean1.length;
        if (mean2.length != dim || cov1.length != dim * dim || cov2.length != dim * dim) {
            throw new IllegalArgumentException("the two Gaussians differ in dimension: " + dim + " and " + mean2.length);
        }
        double meanTerm = 0;
        double trace1 = 0;
        double trace2 = 0;
        for (int i = 0; i < dim; i++) {
            double d = mean1[i] - mean2[i];
            meanTerm += d * d;
            trace1 += cov1[i * dim + i];
            trace2 += cov2[i * dim + i];
        }
        double distance = meanTerm + trace1 + trace2 - 2 * traceSqrtOfProduct(dim, cov1, cov2);
        // Rounding can leave a tiny negative value for identical Gaussians; the distance itself is ≥ 0.
        return Math.max(0, distance);
    }

    /** The side with fewer samples goes first: its covariance has the lower rank bound, so it is factored. */
    static double between(GaussianStats a, GaussianStats b) {
        GaussianStats first = a.count() <= b.count() ? a : b;
        GaussianStats second = first == a ? b : a;
        return between(first.mean(), first.covariance(), second.mean(), second.covariance());
    }

    /** tr √(Σ₁Σ₂) for symmetric positive semi-definite Σ₁, Σ₂; cheapest when Σ₁ has the lower rank. */
    static double traceSqrtOfProduct(int dim, double[] cov1, double[] cov2) {
        DMatrixRMaj b = PivotedCholesky.factor(dim, cov1);
        int rank = b.numCols;
        if (rank == 0) {
            return 0;
        }
        DMatrixRMaj cov2b = new DMatrixRMaj(dim, rank);
        CommonOps_DDRM.mult(new DMatrixRMaj(dim, dim, true, cov2), b, cov2b);
        DMatrixRMaj inner = new DMatrixRMaj(rank, rank);
        CommonOps_DDRM.multTransA(b, cov2b, inner);
        symmetrize(inner);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(rank, false, true);
        if (!eig.decompose(inner)) {
            throw new ArithmeticException("the eigendecomposition of a " + rank + "×" + rank + " matrix did not converge");
        }
        double trace = 0;
        for (int i = 0; i < rank; i++) {
            trace += Math.sqrt(Math.max(0, eig.getEigenvalue(i).real));
        }
        return trace;
    }

    /** (A + Aᵀ)/2: removes the rounding asymmetry of BᵀΣ₂B before a symmetric eigendecomposition. */
    private static void symmetrize(DMatrixRMaj m) {
        int n = m.numRows;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double avg = (m.unsafe_get(i, j) + m.unsafe_get(j, i)) / 2;
                m.unsafe_set(i, j, avg);
                m.unsafe_set(j, i, avg);
            }
        }
    }
}
