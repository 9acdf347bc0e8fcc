package dev.idstream.face;

import dev.idstream.core.onnx.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;

/** The face bundle the tests use: {@code -Didstream.face.bundle=DIR} or the default cache folder, prepared if absent. */
final class FaceTestBundle {

    private static ModelBundle bundle;

    private FaceTestBundle() {
    }

    static synchronized ModelBundle get() {
        if (bundle == null) {
            Path dir = Path.of(System.getProperty("idstream.face.bundle", FaceBundlePreparer.defaultBundleDir().toString()));
            if (!Files.isRegularFile(dir.resolve("bundle.json"))) {
                FaceBundlePreparer.fromSourceTree().prepare(dir, false);
            }
            bundle = ModelBundle.load(dir);
        }
        return bundle;
    }
}
