package dev.idstream.face;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** Writes a face bundle.json the way a person assembling a production bundle would (models/README.md). */
final class TestBundleWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final ObjectNode root = JSON.createObjectNode();
    private final ObjectNode models;

    TestBundleWriter(Path dir, String name) {
        this.dir = dir;
        root.put("format", 1).put("name", name).put("version", "0.0.1-test").put("kind", "face");
        this.models = root.putObject("models");
    }

    /** Adds a role for the ONNX file {@code onnx} (inside the bundle folder) with the given declarations. */
    TestBundleWriter role(String role, Path onnx, Map<String, long[]> inputs, Map<String, long[]> outputs, String preprocessingJson) {
        ObjectNode m = models.putObject(role);
        m.put("file", dir.relativize(onnx).toString()).put("sha256", sha256(onnx));
        m.set("inputs", specs(inputs));
        m.set("outputs", specs(outputs));
        try {
            m.set("preprocessing", JSON.readTree(preprocessingJson));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        m.putObject("source").put("package", "test graph").put("license", "test");
        return this;
    }

    ObjectNode config() {
        return root.with("config");
    }

    /** The role's preprocessing, to break on purpose. */
    ObjectNode preprocessing(String role) {
        return (ObjectNode) models.path(role).path("preprocessing");
    }

    Path write() {
        try {
            Files.writeString(dir.resolve("bundle.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static ArrayNode specs(Map<String, long[]> shapes) {
        ArrayNode list = JSON.createArrayNode();
        shapes.forEach((name, shape) -> {
            ObjectNode s = list.addObject().put("name", name).put("dtype", "float32");
            ArrayNode dims = s.putArray("shape");
            for (long d : shape) {
                dims.add(d);
            }
        });
        return list;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
