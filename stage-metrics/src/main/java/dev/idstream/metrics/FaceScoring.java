package dev.idstream.metrics;

import dev.idstream.face.AnalyzedFace;
import dev.idstream.face.FaceAligner;
import dev.idstream.face.FaceAnalyzer;
import dev.idstream.face.InceptionFeatures;
import dev.idstream.face.RgbImage;
import java.util.Optional;

/**
 * What the metrics need of one face image (a video frame or the reference): the largest face, found with the
 * grey-padding retry, its identity embedding (aligned crop) and the Inception features of its aligned crop.
 */
final class FaceScoring {

    /** The face crop for FID: aligned with the identity model's template, at Inception's usual input size. */
    static final int FID_CROP_SIZE = 299;

    /** One scored face. */
    record ScoredFace(AnalyzedFace face, float[] embedding, float[] inception) {
    }

    private final FaceAnalyzer analyzer;
    private final InceptionFeatures inception;

    FaceScoring(FaceAnalyzer analyzer, InceptionFeatures inception) {
        this.analyzer = analyzer;
        this.inception = inception;
    }

    Optional<ScoredFace> score(RgbImage image) {
        return analyzer.analyzeLargestWithRetry(image).map(face -> {
            RgbImage crop = FaceAligner.align(image, face.fivePoints(), analyzer.embedder().template(), FID_CROP_SIZE);
            return new ScoredFace(face, face.embedding(), inception.features(crop));
        });
    }

    FaceAnalyzer analyzer() {
        return analyzer;
    }
}
