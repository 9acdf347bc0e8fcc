package dev.idstream.detect;

import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.DetectedFace;
import dev.idstream.face.AlignmentTemplate;
import dev.idstream.face.AnalyzedFace;
import dev.idstream.face.Detection;
import dev.idstream.face.FaceAligner;
import dev.idstream.face.FaceEmbedder;
import dev.idstream.face.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Writes one face's artifacts (aligned crops, mesh) and describes it as a {@link DetectedFace}. */
final class FaceArtifacts {

    /** The generator's image branch takes a 512×512 aligned face, as FantasyID's preprocessing (facexlib) makes it. */
    static final int GENERATOR_CROP_SIZE = 512;

    /**
     * facexlib's 512×512 five-point template (FaceRestoreHelper, used by FantasyID and ConsisID), pixel-index
     * values +0.5, as fractions of the crop: more context around the face than ArcFace's tight template.
     */
    static final AlignmentTemplate GENERATOR_TEMPLATE = fromPixels512(new double[][] {
            {192.98138, 239.94708}, {318.90277, 240.19360}, {256.63416, 314.01935}, {201.26117, 371.41043}, {313.08905, 371.15118}});

    private final FaceEmbedder embedder;

    FaceArtifacts(FaceEmbedder embedder) {
        this.embedder = embedder;
    }

    DetectedFace write(RgbImage image, AnalyzedFace face, StageContext ctx) throws StageException {
        RgbImage aligned = FaceAligner.align(image, face.fivePoints(), GENERATOR_TEMPLATE, GENERATOR_CROP_SIZE);
        RgbImage embeddingCrop = FaceAligner.align(image, face.fivePoints(), embedder.template(), embedder.inputSize());
        ArtifactRef alignedRef = ctx.artifacts().put(ctx.key("face-aligned-512.png"), png(aligned.toBufferedImage()), "image/png");
        ArtifactRef embeddingRef = ctx.artifacts().put(ctx.key("face-embedding-crop.png"), png(embeddingCrop.toBufferedImage()), "image/png");
        ArtifactRef meshRef = ctx.artifacts().putTensors(ctx.key("face-mesh.safetensors"), Map.of("points", meshTensor(face.mesh().points())));

        Detection d = face.detection();
        return DetectedFace.newBuilder()
                .setBox(List.of((float) d.x0(), (float) d.y0(), (float) d.width(), (float) d.height()))
                .setScore((float) d.score())
                .setKeypoints(flatten(face.fivePoints().points()))
                .setYaw((float) face.pose().yaw())
                .setPitch((float) face.pose().pitch())
                .setRoll((float) face.pose().roll())
                .setAlignedCrop(alignedRef)
                .setEmbeddingCrop(embeddingRef)
                .setMesh(meshRef)
                .build();
    }

    /** F32 [points, 3]: x right, y down, z at the same scale, in source-image pixels. */
    static Tensor meshTensor(double[][] points) {
        float[] values = new float[points.length * 3];
        for (int i = 0; i < points.length; i++) {
            for (int c = 0; c < 3; c++) {
                values[3 * i + c] = (float) points[i][c];
            }
        }
        return Tensor.ofFloats(new long[] {points.length, 3}, values);
    }

    private static List<Float> flatten(double[][] points) {
        List<Float> out = new ArrayList<>(points.length * 2);
        for (double[] p : points) {
            out.add((float) p[0]);
            out.add((float) p[1]);
        }
        return out;
    }

    static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding to memory failed", e);
        }
    }

    private static AlignmentTemplate fromPixels512(double[][] indexPixels) {
        double[][] p = new double[indexPixels.length][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new double[] {(indexPixels[i][0] + 0.5) / 512, (indexPixels[i][1] + 0.5) / 512};
        }
        return new AlignmentTemplate("facexlib-512", p);
    }
}
