package dev.idstream.metrics;

import dev.idstream.face.FaceEmbedder;
import java.util.List;

/**
 * RS, IFS, per-frame face FID and FM of a video against a reference face (DESIGN.md §6). A score is null when
 * nothing could be measured (no frame with a face, fewer than two for IFS): never a made-up value.
 */
record VideoScores(Double rs, Double ifs, Double fidPerFrame, Double fm, Double fmNormalized) {

    static VideoScores of(FaceScoring.ScoredFace reference, VideoAnalysis video) {
        List<FaceScoring.ScoredFace> faces = video.sampled().stream()
                .filter(VideoAnalysis.SampledFrame::hasFace).map(VideoAnalysis.SampledFrame::face).toList();
        Double rs = null;
        Double fid = null;
        Double ifs = null;
        if (!faces.isEmpty()) {
            double rsSum = 0;
            double fidSum = 0;
            for (FaceScoring.ScoredFace f : faces) {
                rsSum += referenceSimilarity(reference, f);
                fidSum += squaredDistance(reference.inception(), f.inception());
            }
            rs = rsSum / faces.size();
            fid = fidSum / faces.size();
        }
        if (faces.size() >= 2) {
            double sum = 0;
            for (int i = 0; i + 1 < faces.size(); i++) {
                sum += FaceEmbedder.cosine(faces.get(i).embedding(), faces.get(i + 1).embedding());
            }
            ifs = sum / (faces.size() - 1);
        }
        Double fm = null;
        Double fmNormalized = null;
        if (video.motion() != null && !video.motion().isEmpty()) {
            fm = video.motion().stream().mapToDouble(FaceMotion.PairMotion::pixels).average().orElseThrow();
            fmNormalized = video.motion().stream().mapToDouble(FaceMotion.PairMotion::normalized).average().orElseThrow();
        }
        return new VideoScores(rs, ifs, fid, fm, fmNormalized);
    }

    /** cos(e_ref, e_frame) clamped at 0. */
    static double referenceSimilarity(FaceScoring.ScoredFace reference, FaceScoring.ScoredFace frame) {
        return Math.max(0, FaceEmbedder.cosine(reference.embedding(), frame.embedding()));
    }

    /** ‖a − b‖², in float64. */
    static double squaredDistance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("feature vectors differ in size: " + a.length + " vs " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
