package dev.idstream.aggregates;

/**
 * A second Fréchet distance, written without EJML or any code of the main sources, to check {@link FrechetDistance}:
 * cyclic Jacobi eigendecomposition for the symmetric route, and Newton–Schulz iteration for √(Σ₁Σ₂) itself.
 * Plain double[][] arithmetic; fine for the 64-d sets of the tests.
 */
final class IndependentFrechet {

    private IndependentFrechet() {}

    static double[] mean(double[][] samples) {
        int d = samples[0].length;
        double[] m = new double[d];
        for (double[] x : samples) {
            for (int i = 0; i < d; i++) {
                m[i] += x[i];
            }
        }
        for (int i = 0; i < d; i++) {
            m[i] /= samples.length;
        }
        return m;
    }

    /** Two-pass unbiased covariance. */
    static double[][] covariance(double[][] samples) {
        double[] m = mean(samples);
        int d = m.length;
        double[][] c = new double[d][d];
        for (double[] x : samples) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    c[i][j] += (x[i] - m[i]) * (x[j] - m[j]);
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                c[i][j] /= samples.length - 1;
            }
        }
        return c;
    }

    /** d² with tr √(Σ₁Σ₂) = tr √(√Σ₁ Σ₂ √Σ₁), both square roots by Jacobi eigendecomposition. */
    static double byEigen(double[][] a, double[][] b) {
        double[][] s1 = covariance(a);
        double[][] s2 = covariance(b);
        double[][] root1 = symmetricSqrt(s1);
        double[][] inner = multiply(multiply(root1, s2), root1);
        double[] eigenvalues = jacobi(inner, null);
        double traceSqrt = 0;
        for (double e : eigenvalues) {
            traceSqrt += Math.sqrt(Math.max(0, e));
        }
        return meanTerm(a, b) + trace(s1) + trace(s2) - 2 * traceSqrt;
    }

    /** d² with √(Σ₁Σ₂) by the coupled Newton–Schulz iteration (converges when Σ₁Σ₂ is non-singular). */
    static double byNewtonSchulz(double[][] a, double[][] b, int iterations) {
        double[][] s1 = covariance(a);
        double[][] s2 = covariance(b);
        double[][] product = multiply(s1, s2);
        int d = product.length;
        double norm = 0;
        for (double[] row : product) {
            for (double v : row) {
                norm += v * v;
            }
        }
        norm = Math.sqrt(norm);
        double[][] y = scale(product, 1 / norm);
        double[][] z = identity(d);
        for (int k = 0; k < iterations; k++) {
            double[][] t = scale(subtract(scale(identity(d), 3), multiply(z, y)), 0.5);
            y = multiply(y, t);
            z = multiply(t, z);
        }
        double traceSqrt = trace(y) * Math.sqrt(norm);
        return meanTerm(a, b) + trace(s1) + trace(s2) - 2 * traceSqrt;
    }

    private static double[][] symmetricSqrt(double[][] s) {
        int d = s.length;
        double[][] vectors = new double[d][d];
        double[] values = jacobi(s, vectors);
        double[][] r = new double[d][d];
        for (int k = 0; k < d; k++) {
            double root = Math.sqrt(Math.max(0, values[k]));
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    r[i][j] += vectors[i][k] * root * vectors[j][k];
                }
            }
        }
        return r;
    }

    /** Cyclic Jacobi rotations until the off-diagonal is negligible; eigenvectors in the columns of {@code vectors}. */
    static double[] jacobi(double[][] symmetric, double[][] vectors) {
        int n = symmetric.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = symmetric[i].clone();
        }
        double[][] v = vectors != null ? vectors : new double[n][n];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(v[i], 0);
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-30 * diag) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return values;
    }

    private static double meanTerm(double[][] a, double[][] b) {
        double[] ma = mean(a);
        double[] mb = mean(b);
        double sum = 0;
        for (int i = 0; i < ma.length; i++) {
            sum += (ma[i] - mb[i]) * (ma[i] - mb[i]);
        }
        return sum;
    }

    static double[][] multiply(double[][] x, double[][] y) {
        int n = x.length;
        int m = y[0].length;
        double[][] r = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < y.length; k++) {
                double xik = x[i][k];
                for (int j = 0; j < m; j++) {
                    r[i][j] += xik * y[k][j];
                }
            }
        }
        return r;
    }

    private static double[][] scale(double[][] x, double s) {
        double[][] r = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i].clone();
            for (int j = 0; j < r[i].length; j++) {
                r[i][j] *= s;
            }
        }
        return r;
    }

    private static double[][] subtract(double[][] x, double[][] y) {
        double[][] r = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                r[i][j] = x[i][j] - y[i][j];
            }
        }
        return r;
    }

    private static double[][] identity(int n) {
        double[][] r = new double[n][n];
        for (int i = 0; i < n; i++) {
            r[i][i] = 1;
        }
        return r;
    }

    private static double trace(double[][] x) {
        double t = 0;
        for (int i = 0; i < x.length; i++) {
            t += x[i][i];
        }
        return t;
    }
}
