package dev.idstream.cli.eval;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an evaluation-set CSV file (UTF-8, RFC 4180 quoting, a header row, {@code #} comment lines and blank lines
 * ignored). Columns: {@code reference} and {@code prompt} (required), {@code reference_video}, {@code video} and
 * {@code label} (optional; the column may be absent or the cell empty). Paths are relative to the file's folder.
 * The set's name is the file name without its extension unless the caller names it.
 *
 * <p>Every bad row is reported with its line number (missing file, empty prompt, unknown column...), all at once.
 */
public final class EvalSetParser {

    static final String REFERENCE = "reference";
    static final String PROMPT = "prompt";
    static final String REFERENCE_VIDEO = "reference_video";
    static final String VIDEO = "video";
    static final String LABEL = "label";
    private static final List<String> COLUMNS = List.of(REFERENCE, PROMPT, REFERENCE_VIDEO, VIDEO, LABEL);
    private static final List<String> REQUIRED = List.of(REFERENCE, PROMPT);

    private EvalSetParser() {}

    /** Reads {@code file}; its name (without extension) becomes the set's name. */
    public static EvalSet read(Path file) {
        return read(file, null);
    }

    /** @param name the set's name, or null for the file name without its extension */
    public static EvalSet read(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such evaluation-set file: " + file);
        }
        String setName = name != null ? name : withoutExtension(file.getFileName().toString());
        if (setName.isBlank()) {
            throw new IllegalArgumentException("the evaluation set needs a name: " + file);
        }
        Path base = file.toAbsolutePath().getParent();
        List<String> problems = new ArrayList<>();
        List<EvalSet.Row> rows = new ArrayList<>();
        CsvMapper mapper = new CsvMapper();
        mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
        mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        mapper.enable(CsvParser.Feature.TRIM_SPACES);
        CsvSchema schema = CsvSchema.emptySchema().withComments();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                MappingIterator<String[]> it = mapper.readerFor(String[].class).with(schema).readValues(reader)) {
            List<String> header = null;
            while (it.hasNextValue()) {
                int line = it.getCurrentLocation().getLineNr();
                String[] cells = it.nextValue();
                if (header == null) {
                    header = header(line, cells, problems);
                    if (!problems.isEmpty()) {
                        throw new EvalSetException(file, problems);
                    }
                } else if (cells.length > header.size()) {
                    problems.add("line " + line + ": " + cells.length + " cells, but the header has " + header.size() + " columns");
                } else {
                    Map<String, String> named = new LinkedHashMap<>();
                    for (int i = 0; i < cells.length; i++) {
                        named.put(header.get(i), cells[i]);
                    }
                    row(line, named, base, problems).ifPresent(rows::add);
                }
            }
        } catch (EvalSetException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            problems.add("not a readable CSV file: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
        }
        if (problems.isEmpty() && rows.isEmpty()) {
            problems.add("no rows: the set needs a header line and at least one row");
        }
        if (!problems.isEmpty()) {
            throw new EvalSetException(file, problems);
        }
        return new EvalSet(setName, file, rows);
    }

    private static List<String> header(int line, String[] cells, List<String> problems) {
        List<String> header = new ArrayList<>();
        for (String cell : cells) {
            String column = cell.strip();
            if (!COLUMNS.contains(column)) {
                problems.add("line " + line + ": unknown column '" + column + "' (the columns are " + String.join(", ", COLUMNS) + ")");
            } else if (header.contains(column)) {
                problems.add("line " + line + ": the column '" + column + "' appears twice");
            }
            header.add(column);
        }
        for (String column : REQUIRED) {
            if (!header.contains(column)) {
                problems.add("line " + line + ": the header has no '" + column + "' column (the header is: " + String.join(",", header) + ")");
            }
        }
        return header;
    }

    private static Optional<EvalSet.Row> row(int line, Map<String, String> cells, Path base, List<String> problems) {
        int before = problems.size();
        Path reference = file(line, cells, REFERENCE, true, base, problems);
        String prompt = text(cells, PROMPT);
        if (prompt == null) {
            problems.add("line " + line + ": the prompt is empty");
        }
        Path referenceVideo = file(line, cells, REFERENCE_VIDEO, false, base, problems);
        Path video = file(line, cells, VIDEO, false, base, problems);
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new EvalSet.Row(line, reference, prompt, referenceVideo, video, text(cells, LABEL)));
    }

    private static Path file(int line, Map<String, String> cells, String column, boolean required, Path base, List<String> problems) {
        String value = text(cells, column);
        if (value == null) {
            if (required) {
                problems.add("line " + line + ": the " + column + " is empty");
            }
            return null;
        }
        Path path = base.resolve(value).normalize();
        if (!Files.isRegularFile(path)) {
            problems.add("line " + line + ": the " + column + " file " + value + " does not exist (looked for " + path + ")");
            return null;
        }
        return path;
    }

    private static String text(Map<String, String> cells, String column) {
        String v = cells.get(column);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String withoutExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
