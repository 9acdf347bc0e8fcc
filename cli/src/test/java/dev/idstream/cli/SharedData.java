package dev.idstream.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared test data beside the repository ({@code ../shared/data}); tests that need it skip with a reason when it is absent. */
public final class SharedData {
    private SharedData() {}

    public static Path file(String relative) {
        Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory", "..")).resolve("../shared/data");
        if (!Files.isDirectory(root)) {
            root = Path.of("../../shared/data"); // run from a module directory
        }
        Path file = root.resolve(relative);
        assumeTrue(Files.isRegularFile(file), "shared test data not found at " + file.toAbsolutePath() + ": skipping");
        return file;
    }
}
