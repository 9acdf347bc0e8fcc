package dev.idstream.features;

/**
 * Brings FaceMesh 468 points (source-image pixels: x right, y down, z away from the viewer, same scale as x) into
 * the generator's vertex frame: the face's own frame, centred at the vertex centroid, divided by the largest
 * absolute coordinate; x right, y up, z towards the viewer (bundle.json, id_encoder.preprocessing.vertexFrame).
 *
 * <p>Pose is removed by a rotation built from the mesh itself: x along the outer eye corners (33 → 263), y from
 * the chin (152) to the forehead (10), orthogonalised, z = x × y. That undoes yaw, pitch and roll of a rigid head.
 * Expression cannot be removed from a single FaceMesh (it has no expression basis, unlike FLAME in DECA), so an
 * open mouth or a smile stays in the vertices; a neutral reference photo gives the cleanest shape.
 *
 * <p>Shape edits (FantasyID Fig. 3) act on the normalised vertices: {@code faceWidth} scales x; {@code jawSharpness}
 * narrows (&gt; 1) or widens (&lt; 1) the face below the mouth, increasingly towards the chin, by up to 1/sharpness.
 */
final class CanonicalMesh {

    static final int POINTS = 468;
    static final int RIGHT_EYE_OUTER = 33;
    static final int LEFT_EYE_OUTER = 263;
    static final int FOREHEAD = 10;
    static final int CHIN = 152;
    static final int UPPER_LIP = 13;
    static final int LOWER_LIP = 14;

    private CanonicalMesh() {
    }

    /** @param points 468×3 floats, row-major, in source-image pixels */
    static float[] normalize(float[] points) {
        if (points.length != POINTS * 3) {
            throw new IllegalArgumentException("a FaceMesh has " + POINTS + "×3 values, got " + points.length);
        }
        double[] c = new double[3];
        for (int i = 0; i < POINTS; i++) {
            double[] p = point(points, i);
            for (int k = 0; k < 3; k++) {
                c[k] += p[k] / POINTS;
            }
        }
        double[] x = normalized(sub(point(points, LEFT_EYE_OUTER), point(points, RIGHT_EYE_OUTER)));
        double[] up = sub(point(points, FOREHEAD), point(points, CHIN));
        double[] y = normalized(sub(up, scale(x, dot(up, x))));
        double[] z = cross(x, y);
        float[] out = new float[POINTS * 3];
        double max = 0;
        for (int i = 0; i < POINTS; i++) {
            double[] p = sub(point(points, i), c);
            double[] q = {dot(p, x), dot(p, y), dot(p, z)};
            for (int k = 0; k < 3; k++) {
                out[3 * i + k] = (float) q[k];
                max = Math.max(max, Math.abs(q[k]));
            }
        }
        if (!(max > 0)) {
            throw new IllegalArgumentException("the face mesh is degenerate (all points coincide)");
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (out[i] / max);
        }
        return out;
    }

    /** Applies the shape edits to normalised vertices (a new array). */
    static float[] edit(float[] canonical, double faceWidth, double jawSharpness) {
        float[] out = canonical.clone();
        double mouthY = (canonical[3 * UPPER_LIP + 1] + canonical[3 * LOWER_LIP + 1]) / 2;
        double chinY = canonical[3 * CHIN + 1];
        for (int i = 0; i < POINTS; i++) {
            double px = canonical[3 * i];
            double py = canonical[3 * i + 1];
            double factor = faceWidth;
            if (py < mouthY && mouthY > chinY) {
                double t = Math.min(1, (mouthY - py) / (mouthY - chinY));
                factor *= 1 - (1 - 1 / jawSharpness) * t;
            }
            out[3 * i] = (float) (px * factor);
        }
        return out;
    }

    private static double[] point(float[] p, int i) {
        return new double[] {p[3 * i], -p[3 * i + 1], -p[3 * i + 2]}; // to y up, z towards the viewer
    }

    private static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    private static double[] scale(double[] a, double s) {
        return new double[] {a[0] * s, a[1] * s, a[2] * s};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] normalized(double[] a) {
        double n = Math.sqrt(dot(a, a));
        if (!(n > 0)) {
            throw new IllegalArgumentException("the face mesh is degenerate (landmarks coincide)");
        }
        return scale(a, 1 / n);
    }
}
