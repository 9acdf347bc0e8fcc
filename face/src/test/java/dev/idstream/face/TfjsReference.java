package dev.idstream.face;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs models/face/verify/reference.js: the original TFJS models under pure-JS TensorFlow.js 4.22.0.
 * Installs the verify project's locked dependencies (npm ci) on first use. Pure-JS InceptionV3 takes
 * minutes on a busy 2-core machine, so outputs are cached under ~/.cache/idstream/verify/ keyed by the
 * sha256 of everything that determines them (inputs, reference.js, both lock files); any change reruns
 * Node, and {@code -Didstream.verify.fresh=true} always does.
 */
final class TfjsReference {

    record Case(String model, String name, float[] input, long[] shape) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private TfjsReference() {
    }

    /** Returns outputs keyed "model/case/output". */
    static Map<String, float[]> run(List<Case> cases, Path work) throws IOException, InterruptedException {
        Path project = ProjectPaths.repositoryRoot().resolve("models/face/verify");
        if (!Files.isDirectory(project.resolve("node_modules/@tensorflow/tfjs"))) {
            exec(List.of("npm", "ci", "--no-audit", "--no-fund"), project);
        }
        ArrayNode manifest = JSON.createArrayNode();
        for (Case c : cases) {
            String file = c.model() + "-" + c.name() + ".in.f32";
            writeFloats(work.resolve(file), c.input());
            var entry = manifest.addObject().put("model", c.model()).put("case", c.name()).put("input", file);
            var shape = entry.putArray("shape");
            for (long d : c.shape()) {
                shape.add(d);
            }
        }
        JSON.writeValue(work.resolve("cases.json").toFile(), manifest);
        Path cached = Path.of(System.getProperty("user.home"), ".cache", "idstream", "verify",
                cacheKey(work, cases, project));
        if (Files.isRegularFile(cached.resolve("outputs.json")) && !Boolean.getBoolean("idstream.verify.fresh")) {
            System.out.println("TFJS reference outputs from cache " + cached);
            work = cached;
        } else {
            exec(List.of("node", "reference.js", FaceBundlePreparer.npmCacheDir().toString(), work.toString()), project);
            Files.createDirectories(cached);
            try (var files = Files.list(work)) {
                for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".f32")
                        && !f.getFileName().toString().endsWith(".in.f32")).toList()) {
                    Files.copy(f, cached.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            // outputs.json last: its presence marks a complete cache entry
            Files.copy(work.resolve("outputs.json"), cached.resolve("outputs.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, float[]> outputs = new HashMap<>();
        for (JsonNode o : JSON.readTree(work.resolve("outputs.json").toFile())) {
            outputs.put(o.path("model").asText() + "/" + o.path("case").asText() + "/" + o.path("output").asText(),
                    readFloats(work.resolve(o.path("file").asText())));
        }
        return outputs;
    }

    private static String cacheKey(Path work, List<Case> cases, Path project) throws IOException {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(work.resolve("cases.json")));
            for (Case c : cases) {
                sha.update(Files.readAllBytes(work.resolve(c.model() + "-" + c.name() + ".in.f32")));
            }
            sha.update(Files.readAllBytes(project.resolve("reference.js")));
            sha.update(Files.readAllBytes(project.resolve("package-lock.json")));
            sha.update(Files.readAllBytes(project.resolve("../packages.lock.json")));
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void exec(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed in " + dir + ":\n" + out);
        }
        System.out.println(out.strip());
    }

    static void writeFloats(Path file, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Files.write(file, b.array());
    }

    static float[] readFloats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}
