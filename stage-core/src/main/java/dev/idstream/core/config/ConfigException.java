package dev.idstream.core.config;

import java.util.List;

/** The configuration cannot be used; lists every problem found, not just the first, so one fix-up round is enough. */
public class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
