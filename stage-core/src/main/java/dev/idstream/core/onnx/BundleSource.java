package dev.idstream.core.onnx;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a bundle lives. ONNX Runtime loads models by path (so external data resolves next to the
 * model), hence every source ends in a local folder: a plain folder is used as is; a remote store
 * (an S3 prefix) syncs the bundle into a local cache folder first.
 */
public interface BundleSource {

    /** For messages: the folder path or the remote URI. */
    String location();

    /** A local folder holding {@code bundle.json} and the files it names. */
    Path folder() throws IOException;

    static BundleSource folder(Path folder) {
        return new BundleSource() {
            @Override
            public String location() {
                return folder.toString();
            }

            @Override
            public Path folder() {
                return folder;
            }
        };
    }
}
