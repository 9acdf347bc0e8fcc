package dev.idstream.face;

/**
 * One detected face in original-image coordinates (continuous pixels: pixel i spans [i, i+1)).
 *
 * @param keypoints the detector's points, each {x, y}, in the order of the bundle's {@code keypoints} list; the
 *                  first two are always the eye on the image's left and the eye on the image's right. BlazeFace:
 *                  eyes, nose tip, mouth centre, ears (tragion); SCRFD and RetinaFace: eyes, nose tip, mouth
 *                  corner on the image's left, on the image's right
 */
public record Detection(double x0, double y0, double x1, double y1, double score, double[][] keypoints) {

    public double width() {
        return x1 - x0;
    }

    public double height() {
        return y1 - y0;
    }

    public double area() {
        return Math.max(0, width()) * Math.max(0, height());
    }

    public double centerX() {
        return (x0 + x1) / 2;
    }

    public double centerY() {
        return (y0 + y1) / 2;
    }

    double iou(Detection o) {
        double ix = Math.max(0, Math.min(x1, o.x1) - Math.max(x0, o.x0));
        double iy = Math.max(0, Math.min(y1, o.y1) - Math.max(y0, o.y0));
        double inter = ix * iy;
        double union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    Detection mapped(Affine map) {
        double[] a = map.apply(x0, y0);
        double[] b = map.apply(x1, y1);
        double[][] k = new double[keypoints.length][];
        for (int i = 0; i < k.length; i++) {
            k[i] = map.apply(keypoints[i][0], keypoints[i][1]);
        }
        return new Detection(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]), score, k);
    }
}
