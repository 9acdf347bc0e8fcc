package dev.idstream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Local working directories under {@code .idstream/}. */
final class DataDirs {
    private DataDirs() {}

    /**
     * A fresh directory: the embedded registry keeps schemas in memory, so Kafka data from an earlier run would
     * reference schema ids the new registry does not know. Each embedded run starts clean.
     */
    static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }
}
