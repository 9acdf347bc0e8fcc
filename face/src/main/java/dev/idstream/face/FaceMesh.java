package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idstream.core.onnx.BundleModel;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.TensorBinding;
import java.nio.FloatBuffer;

/**
 * FaceMesh on a face crop: the crop is square, {@code cropScale} times the detection box, rotated so
 * the eyes are level (as MediaPipe's face-landmark ROI), and the 468 points are mapped back to image
 * coordinates; z is scaled like x and y (image pixels, smaller = closer to the camera). A second pass
 * re-crops around the first mesh, which makes the points independent of the detector's box jitter.
 */
public final class FaceMesh implements AutoCloseable {

    /** 468 points {x, y, z} in image pixels, the model's face score and the crop it came from. */
    public record Result(double[][] points, double score, Affine cropToImage) {
    }

    private static final int EYE_OUTER_IMAGE_LEFT = 33;
    private static final int EYE_OUTER_IMAGE_RIGHT = 263;

    private final OnnxSession session;
    private final TensorBinding binding;
    private final Normalization normalization;
    private final int inputSize;
    private final double cropScale;
    private final int points;
    private final String inputName;
    private final String meshName;
    private final String scoreName;

    public FaceMesh(ModelBundle bundle, OrtRuntime runtime) {
        BundleModel model = bundle.model("landmarks");
        JsonNode pre = model.preprocessing();
        if (!pre.path("family").asText().equals("facemesh")) {
            throw new IllegalArgumentException("landmarks family " + pre.path("family") + " is not supported (supported: facemesh)");
        }
        this.inputSize = pre.path("inputSize").get(0).asInt();
        this.cropScale = pre.path("cropScale").asDouble(1.4);
        this.points = pre.path("points").asInt(468);
        this.normalization = Normalization.of(pre);
        this.inputName = model.inputs().get(0).name();
        this.meshName = pre.path("outputs").path("mesh").asText("mesh");
        this.scoreName = pre.path("outputs").path("score").asText("faceflag");
        this.session = bundle.open(runtime, "landmarks");
        this.binding = session.bindBatch(1);
    }

    /** Mesh for a detected face (two passes: detector box, then the first mesh's box). */
    public synchronized Result estimate(RgbImage image, Detection face) {
        double[][] k = face.keypoints();
        double angle = Math.atan2(k[1][1] - k[0][1], k[1][0] - k[0][0]);
        double size = Math.max(face.width(), face.height()) * cropScale;
        Result first = run(image, face.centerX(), face.centerY(), size, angle);
        return refine(image, first);
    }

    private Result refine(RgbImage image, Result previous) {
        double[][] p = previous.points();
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (double[] q : p) {
            minX = Math.min(minX, q[0]);
            maxX = Math.max(maxX, q[0]);
            minY = Math.min(minY, q[1]);
            maxY = Math.max(maxY, q[1]);
        }
        double angle = Math.atan2(p[EYE_OUTER_IMAGE_RIGHT][1] - p[EYE_OUTER_IMAGE_LEFT][1],
                p[EYE_OUTER_IMAGE_RIGHT][0] - p[EYE_OUTER_IMAGE_LEFT][0]);
        // the mesh spans the face tightly; MediaPipe's landmark-based ROI enlarges it by 1.5
        double size = Math.max(maxX - minX, maxY - minY) * 1.5;
        return run(image, (minX + maxX) / 2, (minY + maxY) / 2, size, angle);
    }

    private Result run(RgbImage image, double cx, double cy, double size, double angle) {
        double s = size / inputSize;
        double cos = Math.cos(angle) * s;
        double sin = Math.sin(angle) * s;
        double half = inputSize / 2.0;
        // crop (u, v) -> image: centre + R(angle) * scale * ((u, v) - half)
        Affine cropToImage = new Affine(cos, -sin, cx - cos * half + sin * half, sin, cos, cy - sin * half - cos * half);
        RgbImage crop = image.crop(cropToImage, inputSize, inputSize, 0f);
        normalization.apply(crop, binding.floats(inputName));
        binding.run();
        FloatBuffer mesh = binding.floats(meshName);
        double[][] out = new double[points][];
        for (int i = 0; i < points; i++) {
            double[] xy = cropToImage.apply(mesh.get(3 * i), mesh.get(3 * i + 1));
            out[i] = new double[] {xy[0], xy[1], mesh.get(3 * i + 2) * s};
        }
        return new Result(out, binding.floats(scoreName).get(0), cropToImage);
    }

    @Override
    public void close() {
        binding.close();
        session.close();
    }
}
