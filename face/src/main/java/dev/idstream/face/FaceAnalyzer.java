package dev.idstream.face;

import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OrtRuntime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Detect -> mesh -> five points -> head pose -> aligned identity embedding: what the detect and
 * metrics stages ask of a face bundle. A detection counts as a face only if FaceMesh agrees
 * (its face score at least {@code config.landmarks.minScore}, 0.5 by default), the two-stage check
 * MediaPipe's face pipeline also makes.
 */
public final class FaceAnalyzer implements AutoCloseable {

    private final FaceDetector detector;
    private final FaceMesh mesh;
    private final FaceEmbedder embedder;
    private final double minMeshScore;

    public FaceAnalyzer(ModelBundle bundle, OrtRuntime runtime) {
        FaceDetector d = null;
        FaceMesh m = null;
        try {
            d = new FaceDetector(bundle, runtime);
            m = new FaceMesh(bundle, runtime);
            this.embedder = new FaceEmbedder(bundle, runtime);
        } catch (RuntimeException e) {
            if (m != null) {
                m.close();
            }
            if (d != null) {
                d.close();
            }
            throw e;
        }
        this.detector = d;
        this.mesh = m;
        this.minMeshScore = bundle.config().path("landmarks").path("minScore").asDouble(0.5);
    }

    public FaceDetector detector() {
        return detector;
    }

    public FaceMesh mesh() {
        return mesh;
    }

    public FaceEmbedder embedder() {
        return embedder;
    }

    /** Every confirmed face, analysed, highest detector score first. */
    public List<AnalyzedFace> analyzeAll(RgbImage image) {
        List<AnalyzedFace> faces = new ArrayList<>();
        for (Detection d : detector.detect(image)) {
            FaceMesh.Result m = mesh.estimate(image, d);
            if (m.score() >= minMeshScore) {
                faces.add(analyze(image, d, m));
            }
        }
        return faces;
    }

    /** The largest confirmed face (by detection box area), analysed; empty when there is none. */
    public Optional<AnalyzedFace> analyzeLargest(RgbImage image) {
        return largestConfirmed(image).map(c -> analyze(image, c.detection(), c.mesh()));
    }

    /**
     * The box of the largest confirmed face, without identity embedding: what per-frame work such as face motion
     * needs. A BlazeFace candidate that FaceMesh rejects is not a face here either.
     */
    public Optional<Detection> largestFaceBox(RgbImage image) {
        return largestConfirmed(image).map(Confirmed::detection);
    }

    private record Confirmed(Detection detection, FaceMesh.Result mesh) {}

    private Optional<Confirmed> largestConfirmed(RgbImage image) {
        List<Detection> detections = new ArrayList<>(detector.detect(image));
        detections.sort(Comparator.comparingDouble(Detection::area).reversed());
        for (Detection d : detections) {
            FaceMesh.Result m = mesh.estimate(image, d);
            if (m.score() >= minMeshScore) {
                return Optional.of(new Confirmed(d, m));
            }
        }
        return Optional.empty();
    }

    /**
     * DESIGN.md §6's rule for frames: the largest face; if there is none, the image padded by 25% with
     * grey (a face that fills the frame is easier to find with context around it), results mapped back
     * to the original image's coordinates.
     */
    public Optional<AnalyzedFace> analyzeLargestWithRetry(RgbImage image) {
        return withRetry(image, i -> analyzeLargest(i).stream().toList()).stream().findFirst();
    }

    /** Every confirmed face, with {@link #analyzeLargestWithRetry}'s grey-padding retry when there is none. */
    public List<AnalyzedFace> analyzeAllWithRetry(RgbImage image) {
        return withRetry(image, this::analyzeAll);
    }

    private static final double PAD_FRACTION = 0.25;
    private static final float GREY = 127f;

    private static List<AnalyzedFace> withRetry(RgbImage image, Function<RgbImage, List<AnalyzedFace>> analyse) {
        List<AnalyzedFace> faces = analyse.apply(image);
        if (!faces.isEmpty()) {
            return faces;
        }
        int pad = image.paddingPixels(PAD_FRACTION);
        return analyse.apply(image.padded(PAD_FRACTION, GREY)).stream().map(f -> f.translated(-pad, -pad)).toList();
    }

    private AnalyzedFace analyze(RgbImage image, Detection detection, FaceMesh.Result m) {
        FivePoints five = FivePoints.fromMesh(m.points());
        return new AnalyzedFace(detection, m, five, HeadPose.fromMesh(m.points()), embedder.embed(image, five));
    }

    @Override
    public void close() {
        embedder.close();
        mesh.close();
        detector.close();
    }
}
