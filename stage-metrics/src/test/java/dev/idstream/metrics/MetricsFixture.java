package dev.idstream.metrics;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.idstream.core.config.FaceSettings;
import dev.idstream.core.config.MetricsStageSettings;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.face.FaceAnalyzer;
import dev.idstream.face.FaceBundles;
import dev.idstream.face.InceptionFeatures;
import dev.idstream.face.ProjectPaths;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real face bundle ({@code -Didstream.face.bundle=DIR}, else the default folder, prepared if absent), one set
 * of models shared by the test classes of this module (CPU, 2 threads), and the shared test data.
 */
final class MetricsFixture {

    private static ModelBundle bundle;
    private static OrtRuntime runtime;
    private static FaceScoring scoring;

    private MetricsFixture() {
    }

    /** {@code ../shared/data/<sub>}; the calling test is skipped with a message when it is absent. */
    static Path data(String sub) {
        Path dir = ProjectPaths.sharedData().resolve(sub);
        assumeTrue(Files.exists(dir), "shared test data " + dir + " is absent: skipping");
        return dir;
    }

    static synchronized ModelBundle bundle() {
        if (bundle == null) {
            String given = System.getProperty("idstream.face.bundle");
            bundle = FaceBundles.loadOrPrepareDefault(given != null ? Path.of(given) : FaceSettings.defaultBundle());
            runtime = OrtRuntime.create(OrtSettings.cpu(2));
        }
        return bundle;
    }

    static synchronized OrtRuntime runtime() {
        bundle();
        return runtime;
    }

    static synchronized FaceScoring scoring() {
        if (scoring == null) {
            scoring = new FaceScoring(new FaceAnalyzer(bundle(), runtime), new InceptionFeatures(bundle(), runtime));
        }
        return scoring;
    }

    static VideoAnalyzer analyzer() {
        return new VideoAnalyzer(scoring(), MetricsStageSettings.DEFAULT_SAMPLED_FRAMES);
    }
}
