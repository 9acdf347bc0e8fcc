package dev.idstream.detect;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.idstream.core.config.FaceSettings;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.face.FaceBundles;
import dev.idstream.face.ProjectPaths;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real face bundle ({@code -Didstream.face.bundle=DIR}, else the default folder, prepared if absent) and one CPU
 * runtime (2 threads), loaded once and shared by the test classes of this module, and the shared test data.
 */
final class DetectFixture {

    private static ModelBundle bundle;
    private static OrtRuntime runtime;

    private DetectFixture() {
    }

    /** {@code ../shared/data}; the calling test class is skipped with a message when it is absent. */
    static Path data() {
        Path data = ProjectPaths.sharedData();
        assumeTrue(Files.isDirectory(data), "shared test data " + data + " is absent: skipping");
        return data;
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
}
