package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityEmbeddingTest {

    @Test
    void shouldSeparateSameFromDifferentIdentitiesWhenEmbeddingFaceCrops() {
        List<String> ids = new ArrayList<>();
        List<float[]> embeddings = new ArrayList<>();
        for (Path p : SharedData.files("faces")) {
            AnalyzedFace face = FaceToolkitFixture.analyzer().analyzeLargestWithRetry(SharedData.image(p))
                    .orElseThrow(() -> new AssertionError("no face in " + p));
            ids.add(p.getParent().getFileName().toString());
            embeddings.add(face.embedding());
        }
        assertThat(ids).hasSize(30);
        List<Double> same = new ArrayList<>();
        List<Double> different = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                (ids.get(i).equals(ids.get(j)) ? same : different).add(FaceEmbedder.cosine(embeddings.get(i), embeddings.get(j)));
            }
        }
        double auc = RocAuc.of(same, different);
        System.out.printf("faces: %d same-identity pairs (mean cos %.3f), %d different (mean cos %.3f), ROC AUC %.4f%n",
                same.size(), mean(same), different.size(), mean(different), auc);
        assertThat(auc).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void shouldReturnUnitLengthEmbeddingsWhenEmbedding() {
        AnalyzedFace face = FaceToolkitFixture.analyzer()
                .analyzeLargest(SharedData.image(SharedData.dir("portraits").resolve("grace_hopper.jpg"))).orElseThrow();

        assertThat(face.embedding()).hasSize(128);
        assertThat(FaceEmbedder.cosine(face.embedding(), face.embedding())).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
