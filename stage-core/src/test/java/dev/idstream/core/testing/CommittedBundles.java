package dev.idstream.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The bundles committed under the repository's models/ folder, found from the working directory upwards. */
public final class CommittedBundles {

    private CommittedBundles() {
    }

    /** models/{@code name} (e.g. "generator-tiny-fp16"), whatever bundle the generator location settings name. */
    public static Path folder(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path bundle = dir.resolve("models").resolve(name);
            if (Files.isRegularFile(bundle.resolve("bundle.json"))) {
                return bundle;
            }
        }
        throw new IllegalStateException("no models/" + name + "/bundle.json above " + Path.of("").toAbsolutePath());
    }
}
