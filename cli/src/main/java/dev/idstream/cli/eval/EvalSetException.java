package dev.idstream.cli.eval;

import java.nio.file.Path;
import java.util.List;

/** An evaluation-set file that cannot be used: every problem found, each with its line, in one message. */
public final class EvalSetException extends IllegalArgumentException {

    private final List<String> problems;

    public EvalSetException(Path file, List<String> problems) {
        super("evaluation set " + file + " has " + (problems.size() == 1 ? "a problem" : problems.size() + " problems") + ":\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
