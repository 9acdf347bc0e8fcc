package dev.idstream.core.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/node/compat.js}, which serialises and deserialises with Confluent's own JavaScript client
 * ({@code @confluentinc/schemaregistry}, pinned in package.json / package-lock.json). Installs the Node project with
 * {@code npm ci} when its node_modules is missing.
 */
final class NodeCompatScript {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROJECT = Path.of("src", "test", "node").toAbsolutePath();

    private final Path workDir;

    NodeCompatScript(Path workDir) {
        this.workDir = workDir;
    }

    static void install() throws IOException, InterruptedException {
        requireTool("node");
        requireTool("npm");
        if (!Files.isDirectory(PROJECT.resolve("node_modules/@confluentinc/schemaregistry"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300, "npm ci in " + PROJECT);
        }
    }

    /** Confluent's AvroDeserializer reads each {name, topic, payload(base64)}; returns {name, topic, schemaId, value}. */
    JsonNode decode(String registryUrl, JsonNode items) throws IOException, InterruptedException {
        return call("decode", registryUrl, items);
    }

    /** Confluent's AvroSerializer writes each {name, topic, schema, value}; returns {name, topic, schemaId, payload(base64)}. */
    JsonNode encode(String registryUrl, JsonNode items) throws IOException, InterruptedException {
        return call("encode", registryUrl, items);
    }

    private JsonNode call(String mode, String registryUrl, JsonNode items) throws IOException, InterruptedException {
        Path in = workDir.resolve(mode + "-in.json");
        Path out = workDir.resolve(mode + "-out.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(in.toFile(), items);
        run(List.of("node", PROJECT.resolve("compat.js").toString(), mode, registryUrl, in.toString(), out.toString()),
                120, "node compat.js " + mode);
        return JSON.readTree(out.toFile());
    }

    private static void requireTool(String tool) throws InterruptedException {
        try {
            run(List.of(tool, "--version"), 60, tool + " --version");
        } catch (IOException e) {
            throw new IllegalStateException("'" + tool + "' is not available (" + e.getMessage() + "). The compatibility test"
                    + " with Confluent's JavaScript client needs Node.js 20+ and npm on the PATH.", e);
        }
    }

    private static void run(List<String> command, int timeoutSeconds, String what) throws IOException, InterruptedException {
        Path log = Files.createTempFile("idstream-node", ".log");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).directory(PROJECT.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(what + " did not finish within " + timeoutSeconds + " s:\n" + Files.readString(log));
            }
            if (process.exitValue() != 0) {
                throw new IOException(what + " failed with exit code " + process.exitValue() + ":\n" + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
