package dev.idstream.core.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * One role of a bundle: its ONNX file, the precision of its weights and float I/O, declared inputs/outputs, and the
 * role-specific preprocessing constants (input size, mean/std, colour order, anchors, ...) as JSON.
 */
public record BundleModel(String role, Path file, String sha256, List<Path> externalData, ModelPrecision precision,
                          List<TensorSpec> inputs, List<TensorSpec> outputs,
                          JsonNode preprocessing, JsonNode source) {

    public BundleModel {
        externalData = List.copyOf(externalData);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public TensorSpec input(String name) {
        return find(inputs, name, "input");
    }

    public TensorSpec output(String name) {
        return find(outputs, name, "output");
    }

    private TensorSpec find(List<TensorSpec> specs, String name, String kind) {
        return specs.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("role " + role + " declares no " + kind + " '" + name + "'; declared: "
                        + specs.stream().map(TensorSpec::name).toList()));
    }
}
