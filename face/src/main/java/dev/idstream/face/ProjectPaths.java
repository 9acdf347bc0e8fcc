package dev.idstream.face;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the source tree (for the converter) and the shared test data next to it. */
public final class ProjectPaths {

    private ProjectPaths() {
    }

    /** The repository root: the first folder upwards from the working directory that has models/face. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("models/face/packages.lock.json"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the IDStream source tree (models/face/packages.lock.json) above " + dir);
    }

    /** {@code ../shared/data} relative to the repository root. */
    public static Path sharedData() {
        return repositoryRoot().resolve("../shared/data").normalize();
    }
}
