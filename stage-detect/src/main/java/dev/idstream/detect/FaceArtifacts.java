package dev.idstream.detect;

import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.DetectedFace;
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

    private final FaceEmbedder embedder;

    FaceArtifacts(FaceEmbedder embedder) {
        this.embedder = embedder;
    }

    /** The main reference face: keys {@code face-aligned-512.png}, {@code face-embedding-crop.png}, {@code face-mesh.safetensors}. */
    DetectedFace write(RgbImage image, AnalyzedFace face, StageContext ctx) throws StageException {
        return write(image, face, ctx, "");
    }

    /** @param keyPrefix put before each artifact name, e.g. {@code view-2-} for the third face of a multi-view set */
    DetectedFace write(RgbImage image, AnalyzedFace face, StageContext ctx, String keyPrefix) throws StageException {
        RgbImage aligned = GeneratorCrop.of(image, face.fivePoints());
        RgbImage embeddingCrop = FaceAligner.align(image, face.fivePoints(), embedder.template(), embedder.inputSize());
        ArtifactRef alignedRef = ctx.artifacts().put(ctx.key(keyPrefix + "face-aligned-512.png"), png(aligned.toBufferedImage()), "image/png");
        ArtifactRef embeddingRef = ctx.artifacts().put(ctx.key(keyPrefix + "face-embedding-crop.png"), png(embeddingCrop.toBufferedImage()), "image/png");
        ArtifactRef meshRef = ctx.artifacts().putTensors(ctx.key(keyPrefix + "face-mesh.safetensors"),
                Map.of("points", meshTensor(face.mesh().points())));

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
}
