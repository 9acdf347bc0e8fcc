package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Detection and identity across the real talking-head clips (one person each, all different people). */
class VideoFaceTest {

    private static final int FRAMES_PER_CLIP = 16;
    private static final List<String> clipOfFace = new ArrayList<>();
    private static final List<float[]> embeddings = new ArrayList<>();
    private static final List<String> detectionReport = new ArrayList<>();
    private static final List<Double> detectionRates = new ArrayList<>();

    @BeforeAll
    static void analyzeClips() throws Exception {
        for (Path clip : SharedData.files("videos")) {
            List<RgbImage> frames = VideoFrames.sample(clip, FRAMES_PER_CLIP);
            int found = 0;
            for (RgbImage frame : frames) {
                Optional<AnalyzedFace> face = FaceToolkitFixture.analyzer().analyzeLargest(frame);
                if (face.isPresent()) {
                    found++;
                    clipOfFace.add(clip.getFileName().toString());
                    embeddings.add(face.get().embedding());
                }
            }
            detectionRates.add(found / (double) frames.size());
            detectionReport.add(clip.getFileName() + ": face in " + found + "/" + frames.size() + " frames");
        }
        detectionReport.forEach(System.out::println);
    }

    @Test
    void shouldFindFaceInAtLeast95PercentOfSampledFramesOfEveryClip() {
        assertThat(detectionRates).hasSize(6);
        for (int i = 0; i < detectionRates.size(); i++) {
            assertThat(detectionRates.get(i)).as(detectionReport.get(i)).isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void shouldSeparateClipsWhenChainingDetectorAlignmentAndEmbedding() {
        List<Double> same = new ArrayList<>();
        List<Double> different = new ArrayList<>();
        for (int i = 0; i < embeddings.size(); i++) {
            for (int j = i + 1; j < embeddings.size(); j++) {
                double cos = FaceEmbedder.cosine(embeddings.get(i), embeddings.get(j));
                (clipOfFace.get(i).equals(clipOfFace.get(j)) ? same : different).add(cos);
            }
        }
        double auc = RocAuc.of(same, different);
        System.out.printf("videos: %d same-clip pairs (mean cos %.3f), %d cross-clip (mean cos %.3f), ROC AUC %.4f%n",
                same.size(), IdentityEmbeddingTest.mean(same), different.size(), IdentityEmbeddingTest.mean(different), auc);
        assertThat(auc).isGreaterThanOrEqualTo(0.98);
    }
}
