package dev.idstream.face;

import dev.idstream.core.onnx.ModelBundle;
import java.nio.file.Path;

/**
 * The face bundle the tests use: {@code -Didstream.face.bundle=DIR} as given, or the default cache
 * folder after {@code models prepare} (which does nothing when the bundle is intact and current).
 */
final class FaceTestBundle {

    private static ModelBundle bundle;

    private FaceTestBundle() {
    }

    static synchronized ModelBundle get() {
        if (bundle == null) {
            String given = System.getProperty("idstream.face.bundle");
            Path dir = given != null ? Path.of(given)
                    : FaceBundlePreparer.fromSourceTree().prepare(FaceBundlePreparer.defaultBundleDir(), false);
            bundle = ModelBundle.load(dir);
        }
        return bundle;
    }
}
