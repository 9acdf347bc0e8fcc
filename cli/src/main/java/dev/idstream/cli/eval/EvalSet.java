package dev.idstream.cli.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * An evaluation set: named rows of (reference image, prompt[, reference video][, video][, label]), read from a CSV file by
 * {@link EvalSetParser}. The name is the evaluation-set id every request and score of the set carries.
 */
public record EvalSet(String name, Path file, List<Row> rows) {

    public EvalSet {
        rows = List.copyOf(rows);
    }

    /**
     * One row; paths are resolved against the set file's folder and exist.
     *
     * @param line           the row's line in the file, for messages
     * @param referenceVideo optional video of the person (multi-view face collection), or null
     * @param video          optional existing video to score against the reference ({@code eval}), or null
     * @param label          optional free-form label, or null
     */
    public record Row(int line, Path reference, String prompt, Path referenceVideo, Path video, String label) {}
}
