package dev.idstream.face;

/** A 2-D affine map {@code (x, y) -> (a x + b y + c, d x + e y + f)}. */
public record Affine(double a, double b, double c, double d, double e, double f) {

    public static Affine identity() {
        return new Affine(1, 0, 0, 0, 1, 0);
    }

    public double[] apply(double x, double y) {
        return new double[] {a * x + b * y + c, d * x + e * y + f};
    }

    public Affine inverse() {
        double det = a * e - b * d;
        if (Math.abs(det) < 1e-12) {
            throw new IllegalStateException("affine map is singular: " + this);
        }
        double ia = e / det;
        double ib = -b / det;
        double id = -d / det;
        double ie = a / det;
        return new Affine(ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f));
    }

    /** {@code this} after {@code first}: x -> this(first(x)). */
    public Affine compose(Affine first) {
        return new Affine(
                a * first.a + b * first.d, a * first.b + b * first.e, a * first.c + b * first.f + c,
                d * first.a + e * first.d, d * first.b + e * first.e, d * first.c + e * first.f + f);
    }

    /** Uniform scale factor of a similarity transform. */
    public double scale() {
        return Math.sqrt(Math.abs(a * e - b * d));
    }
}
