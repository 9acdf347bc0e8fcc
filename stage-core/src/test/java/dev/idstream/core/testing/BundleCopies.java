package dev.idstream.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** Copies of a real bundle with an edited manifest, for tests of what a stage does with a bundle it cannot serve. */
public final class BundleCopies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BundleCopies() {
    }

    /** Copies the bundle folder {@code source} into {@code target}, its manifest declaring {@code precision} for {@code role}. */
    public static Path withPrecision(Path source, Path target, String role, String precision) throws IOException {
        return withPrecisions(source, target, Map.of(role, precision));
    }

    /** Copies the bundle folder {@code source} into {@code target}, its manifest declaring a precision per role. */
    public static Path withPrecisions(Path source, Path target, Map<String, String> precisionByRole) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        ObjectNode root = (ObjectNode) JSON.readTree(target.resolve("bundle.json").toFile());
        for (var e : precisionByRole.entrySet()) {
            if (!(root.path("models").path(e.getKey()) instanceof ObjectNode model)) {
                throw new IllegalArgumentException("bundle " + source + " has no role " + e.getKey());
            }
            model.put("precision", e.getValue());
        }
        JSON.writeValue(target.resolve("bundle.json").toFile(), root);
        return target;
    }
}
