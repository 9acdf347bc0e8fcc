package dev.idstream.face;

import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;

/** One analyzer over the test bundle, shared by the test classes of this module (CPU, 2 threads). */
final class FaceToolkitFixture {

    private static FaceAnalyzer analyzer;

    private FaceToolkitFixture() {
    }

    static synchronized FaceAnalyzer analyzer() {
        if (analyzer == null) {
            analyzer = new FaceAnalyzer(FaceTestBundle.get(), OrtRuntime.create(OrtSettings.cpu(2)));
        }
        return analyzer;
    }
}
