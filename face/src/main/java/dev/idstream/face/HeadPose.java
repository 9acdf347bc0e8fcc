package dev.idstream.face;

/**
 * Head orientation in degrees from the 3-D mesh, after @vladmandic/human's calculateFaceAngle:
 * axes from the forehead-chin line (10 -> 152) and the cheek line (234 -> 454), orthogonalised,
 * then YZX Euler angles of that rotation. Points are in image pixels with z scaled like x and y,
 * so the angles do not depend on image size. yaw &gt; 0: the face turns towards the image's left
 * (the subject's right); a mirrored image flips its sign.
 */
public record HeadPose(double yaw, double pitch, double roll) {

    private static final int FOREHEAD = 10;
    private static final int CHIN = 152;
    private static final int CHEEK_IMAGE_LEFT = 234;
    private static final int CHEEK_IMAGE_RIGHT = 454;

    public static HeadPose fromMesh(double[][] mesh) {
        double[] y = normalize(sub(mesh[CHIN], mesh[FOREHEAD]));
        double[] x = normalize(sub(mesh[CHEEK_IMAGE_RIGHT], mesh[CHEEK_IMAGE_LEFT]));
        double[] z = normalize(cross(x, y));
        x = cross(y, z);
        // rotation matrix rows: x, y, z axes
        double r00 = x[0];
        double r10 = y[0];
        double r11 = y[1];
        double r12 = y[2];
        double r20 = z[0];
        double thetaZ;
        double thetaY;
        double thetaX;
        if (r10 < 1 && r10 > -1) {
            thetaZ = Math.atan2(r10, Math.sqrt(r00 * r00 + r20 * r20));
            thetaY = Math.atan2(-r20, r00);
            thetaX = Math.atan2(-r12, r11);
        } else {
            thetaZ = r10 >= 1 ? Math.PI / 2 : -Math.PI / 2;
            thetaY = 0;
            thetaX = 0;
        }
        return new HeadPose(Math.toDegrees(-thetaY), Math.toDegrees(-thetaX), Math.toDegrees(-thetaZ));
    }

    private static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double[] normalize(double[] v) {
        double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return new double[] {v[0] / n, v[1] / n, v[2] / n};
    }
}
