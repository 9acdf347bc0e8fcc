package dev.idstream.face;

/** Everything the pipeline needs about one face in one image. */
public record AnalyzedFace(Detection detection, FaceMesh.Result mesh, FivePoints fivePoints, HeadPose pose, float[] embedding) {

    /** The same face with its coordinates shifted (e.g. from a padded image back to the original). */
    AnalyzedFace translated(double dx, double dy) {
        Affine shift = new Affine(1, 0, dx, 0, 1, dy);
        double[][] points = new double[mesh.points().length][];
        for (int i = 0; i < points.length; i++) {
            double[] p = mesh.points()[i];
            points[i] = new double[] {p[0] + dx, p[1] + dy, p[2]};
        }
        double[][] five = new double[5][];
        for (int i = 0; i < 5; i++) {
            five[i] = shift.apply(fivePoints.points()[i][0], fivePoints.points()[i][1]);
        }
        return new AnalyzedFace(detection.mapped(shift), new FaceMesh.Result(points, mesh.score(), shift.compose(mesh.cropToImage())),
                new FivePoints(five), pose, embedding);
    }
}
