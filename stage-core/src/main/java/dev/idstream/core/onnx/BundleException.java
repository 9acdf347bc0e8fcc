package dev.idstream.core.onnx;

import java.util.List;

/** A model bundle is unreadable or does not match what its {@code bundle.json} declares; lists every problem. */
public class BundleException extends RuntimeException {

    private final List<String> problems;

    public BundleException(String location, List<String> problems) {
        super("model bundle " + location + " is not usable:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
