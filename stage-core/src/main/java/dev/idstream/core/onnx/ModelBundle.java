package dev.idstream.core.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model bundle: a folder with {@code bundle.json} (format 1, see models/README.md) and the ONNX files
 * it names. Loading verifies the manifest and every file's sha256; {@link #open} also checks the
 * declared inputs/outputs against the loaded graph. Each check reports all mismatches at once.
 * Face and generator bundles share this loader; the roles and preprocessing keys differ.
 */
public final class ModelBundle {

    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String location;
    private final Path folder;
    private final String name;
    private final String version;
    private final String kind;
    private final String description;
    private final Map<String, BundleModel> models;
    private final Map<String, Path> files;
    private final JsonNode config;

    private ModelBundle(String location, Path folder, JsonNode root, Map<String, BundleModel> models, Map<String, Path> files) {
        this.location = location;
        this.folder = folder;
        this.name = root.path("name").asText();
        this.version = root.path("version").asText();
        this.kind = root.path("kind").asText();
        this.description = root.path("description").asText("");
        this.models = Map.copyOf(models);
        this.files = Map.copyOf(files);
        this.config = root.path("config");
    }

    public static ModelBundle load(Path folder) {
        return load(BundleSource.folder(folder));
    }

    public static ModelBundle load(BundleSource source) {
        String location = source.location();
        Path folder;
        try {
            folder = source.folder();
        } catch (IOException e) {
            throw new BundleException(location, List.of("cannot fetch the bundle: " + e.getMessage()));
        }
        Path manifest = folder.resolve("bundle.json");
        if (!Files.isRegularFile(manifest)) {
            throw new BundleException(location, List.of("no bundle.json in " + folder));
        }
        JsonNode root;
        try {
            root = JSON.readTree(manifest.toFile());
        } catch (IOException e) {
            throw new BundleException(location, List.of("bundle.json is not valid JSON: " + e.getMessage()));
        }
        List<String> problems = new ArrayList<>();
        checkHeader(root, problems);
        Map<String, BundleModel> models = new LinkedHashMap<>();
        root.path("models").fields().forEachRemaining(e -> {
            BundleModel m = parseModel(folder, e.getKey(), e.getValue(), problems);
            if (m != null) {
                models.put(e.getKey(), m);
            }
        });
        Map<String, Path> files = new LinkedHashMap<>();
        root.path("files").fields().forEachRemaining(e -> {
            Path p = resolveInside(folder, e.getKey(), "file " + e.getKey(), problems);
            if (p != null) {
                checkFile(p, e.getValue().path("sha256").asText(null), "file " + e.getKey(), problems);
                files.put(e.getKey(), p);
            }
        });
        if (!problems.isEmpty()) {
            throw new BundleException(location, problems);
        }
        return new ModelBundle(location, folder, root, models, files);
    }

    private static void checkHeader(JsonNode root, List<String> problems) {
        int format = root.path("format").asInt(-1);
        if (format != FORMAT) {
            problems.add("bundle.json format is " + root.path("format") + ", this build reads format " + FORMAT);
        }
        for (String field : List.of("name", "version", "kind")) {
            if (!root.path(field).isTextual() || root.path(field).asText().isBlank()) {
                problems.add("bundle.json has no '" + field + "'");
            }
        }
        if (!root.path("models").isObject() || root.path("models").isEmpty()) {
            problems.add("bundle.json declares no models");
        }
    }

    private static BundleModel parseModel(Path folder, String role, JsonNode node, List<String> problems) {
        String what = "role " + role;
        Path file = resolveInside(folder, node.path("file").asText(""), what, problems);
        if (file == null) {
            return null;
        }
        String sha = node.path("sha256").asText(null);
        checkFile(file, sha, what + " (" + node.path("file").asText() + ")", problems);
        List<Path> external = new ArrayList<>();
        for (JsonNode ext : node.path("externalData")) {
            String extName = ext.isTextual() ? ext.asText() : ext.path("file").asText("");
            Path p = resolveInside(folder, extName, what + " external data", problems);
            if (p != null) {
                checkFile(p, ext.isTextual() ? null : ext.path("sha256").asText(null), what + " external data " + extName, problems);
                external.add(p);
            }
        }
        ModelPrecision precision = precision(node.path("precision"), what, problems);
        List<TensorSpec> inputs = specs(node.path("inputs"), what + " inputs", problems);
        List<TensorSpec> outputs = specs(node.path("outputs"), what + " outputs", problems);
        checkPrecisionDeclared(precision, inputs, outputs, what, problems);
        return new BundleModel(role, file, sha, external, precision, inputs, outputs, node.path("preprocessing"), node.path("source"));
    }

    /** Absent means float32: bundles written before the field existed are all float32. */
    private static ModelPrecision precision(JsonNode node, String what, List<String> problems) {
        if (node.isMissingNode()) {
            return ModelPrecision.FLOAT32;
        }
        ModelPrecision precision = node.isTextual() ? ModelPrecision.fromKey(node.asText()) : null;
        if (precision == null) {
            problems.add(what + ": \"precision\" is " + node + "; it must be one of " + ModelPrecision.keys()
                    + " (absent means float32)");
            return ModelPrecision.FLOAT32;
        }
        return precision;
    }

    /**
     * Half-precision I/O without a "precision" field would reach ONNX Runtime unchecked (a bfloat16 graph on CPU then
     * fails on its first operator with no kernel); the manifest has to say what the graph is.
     */
    private static void checkPrecisionDeclared(ModelPrecision precision, List<TensorSpec> inputs, List<TensorSpec> outputs,
                                               String what, List<String> problems) {
        if (precision != ModelPrecision.FLOAT32) {
            return;
        }
        List<String> half = java.util.stream.Stream.concat(inputs.stream(), outputs.stream())
                .filter(s -> s.dtype().equals("float16") || s.dtype().equals("bfloat16"))
                .map(s -> s.name() + " (" + s.dtype() + ")").toList();
        if (!half.isEmpty()) {
            problems.add(what + " declares " + String.join(", ", half) + " but no \"precision\" (absent means float32):"
                    + " add \"precision\": \"float16\" or \"bfloat16\" as the graph is exported");
        }
    }

    private static List<TensorSpec> specs(JsonNode array, String what, List<String> problems) {
        List<TensorSpec> specs = new ArrayList<>();
        if (!array.isArray() || array.isEmpty()) {
            problems.add(what + ": none declared");
            return specs;
        }
        for (JsonNode s : array) {
            if (!s.path("name").isTextual() || !s.path("dtype").isTextual() || !s.path("shape").isArray()) {
                problems.add(what + ": each entry needs name, dtype and shape, got " + s);
                continue;
            }
            long[] shape = new long[s.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = s.path("shape").get(i).asLong();
            }
            specs.add(new TensorSpec(s.path("name").asText(), s.path("dtype").asText(), shape));
        }
        return specs;
    }

    /** Refuses names that would escape the bundle folder. */
    private static Path resolveInside(Path folder, String relative, String what, List<String> problems) {
        if (relative == null || relative.isBlank()) {
            problems.add(what + ": no file name");
            return null;
        }
        Path p = folder.resolve(relative).normalize();
        if (!p.startsWith(folder.normalize())) {
            problems.add(what + ": file " + relative + " is outside the bundle folder");
            return null;
        }
        return p;
    }

    private static void checkFile(Path file, String expectedSha, String what, List<String> problems) {
        if (!Files.isRegularFile(file)) {
            problems.add(what + ": file " + file.getFileName() + " is missing");
            return;
        }
        if (expectedSha == null || expectedSha.isBlank()) {
            problems.add(what + ": no sha256 declared for " + file.getFileName());
            return;
        }
        String actual = sha256(file);
        if (!actual.equalsIgnoreCase(expectedSha)) {
            problems.add(what + ": sha256 of " + file.getFileName() + " is " + actual + ", bundle.json says " + expectedSha);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String location() {
        return location;
    }

    public Path folder() {
        return folder;
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    public String kind() {
        return kind;
    }

    public String description() {
        return description;
    }

    /** "name@version", how results record which evaluator or generator produced them. */
    public String id() {
        return name + "@" + version;
    }

    public Set<String> roles() {
        return models.keySet();
    }

    public BundleModel model(String role) {
        BundleModel m = models.get(role);
        if (m == null) {
            throw new IllegalArgumentException("bundle " + id() + " has no role '" + role + "'; roles: " + models.keySet());
        }
        return m;
    }

    /** An auxiliary file listed under "files" (verified at load). */
    public Path file(String name) {
        Path p = files.get(name);
        if (p == null) {
            throw new IllegalArgumentException("bundle " + id() + " lists no file '" + name + "'; files: " + files.keySet());
        }
        return p;
    }

    public JsonNode config() {
        return config;
    }

    /**
     * Opens the role's model and checks its declared inputs/outputs against the loaded graph. A precision the runtime's
     * device cannot run (bfloat16 on the CPU provider) is refused before ONNX Runtime sees the graph.
     */
    public OnnxSession open(OrtRuntime runtime, String role) {
        BundleModel m = model(role);
        runtime.requireSupported(m.precision(), kind + " bundle " + id() + " role " + role);
        OnnxSession session = runtime.open(m.file(), name + "/" + role);
        List<String> problems = new ArrayList<>();
        compare("input", m.inputs(), session.inputs(), problems);
        compare("output", m.outputs(), session.outputs(), problems);
        if (!problems.isEmpty()) {
            session.close();
            throw new BundleException(location, problems.stream().map(p -> "role " + role + ": " + p).toList());
        }
        return session;
    }

    private static void compare(String kind, List<TensorSpec> declared, List<TensorSpec> actual, List<String> problems) {
        Map<String, TensorSpec> byName = new LinkedHashMap<>();
        actual.forEach(s -> byName.put(s.name(), s));
        for (TensorSpec d : declared) {
            TensorSpec a = byName.remove(d.name());
            if (a == null) {
                problems.add("declared " + kind + " '" + d.name() + "' is not in the graph (graph " + kind + "s: "
                        + actual.stream().map(TensorSpec::name).toList() + ")");
            } else if (!a.dtype().equals(d.dtype()) || !shapeFits(d.shape(), a.shape())) {
                problems.add(kind + " '" + d.name() + "' is declared " + d.dtype() + d.shapeText()
                        + " but the graph has " + a.dtype() + a.shapeText());
            }
        }
        byName.keySet().forEach(n -> problems.add("graph " + kind + " '" + n + "' is not declared in bundle.json"));
    }

    /**
     * The declared shape may fix a dimension the graph leaves dynamic (-1): exporters often lose static sizes
     * (e.g. after a Concat), and the manifest then documents them. It may not contradict a static one.
     */
    private static boolean shapeFits(long[] declared, long[] graph) {
        if (declared.length != graph.length) {
            return false;
        }
        for (int i = 0; i < declared.length; i++) {
            if (graph[i] != -1 && declared[i] != graph[i]) {
                return false;
            }
        }
        return true;
    }
}
