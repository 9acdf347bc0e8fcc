package dev.idstream.schemas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * Loads a directory of .avsc files whose records refer to each other's named types (ArtifactRef, GenerationParams, ...)
 * by parsing them into one {@link Schema.Parser} in dependency order, found by trial.
 */
final class SchemaFiles {

    /** Each file's top-level schema by full name, e.g. {@code dev.idstream.events.FaceDetected}. */
    static Map<String, Schema> load(Path directory) throws IOException {
        List<Path> remaining;
        try (Stream<Path> files = Files.list(directory)) {
            remaining = new ArrayList<>(files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList());
        }
        if (remaining.isEmpty()) {
            throw new IllegalStateException("no .avsc files in " + directory);
        }
        List<Path> ordered = new ArrayList<>();
        Map<Path, String> lastErrors = new LinkedHashMap<>();
        while (!remaining.isEmpty()) {
            boolean progress = false;
            for (Path file : List.copyOf(remaining)) {
                try {
                    parseInOrder(ordered, file);
                    ordered.add(file);
                    remaining.remove(file);
                    progress = true;
                } catch (AvroRuntimeException e) {
                    // Undefined type (a dependency not parsed yet) or invalid schema: retry after the others.
                    lastErrors.put(file, e.getMessage());
                }
            }
            if (!progress) {
                StringBuilder why = new StringBuilder("cannot parse these schemas in " + directory
                        + " in any order (a type they use is defined nowhere, or the file is not valid Avro):");
                remaining.forEach(f -> why.append("\n  ").append(f.getFileName()).append(": ").append(lastErrors.get(f)));
                throw new IllegalStateException(why.toString());
            }
        }
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> schemas = new LinkedHashMap<>();
        for (Path file : ordered) {
            Schema schema = parser.parse(file.toFile());
            schemas.put(schema.getFullName(), schema);
        }
        return schemas;
    }

    /** Parses the file after the ones known to parse, with a fresh parser, so a failed attempt leaves nothing behind. */
    private static void parseInOrder(List<Path> ordered, Path file) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        for (Path dependency : ordered) {
            parser.parse(dependency.toFile());
        }
        parser.parse(file.toFile());
    }

    private SchemaFiles() {}
}
