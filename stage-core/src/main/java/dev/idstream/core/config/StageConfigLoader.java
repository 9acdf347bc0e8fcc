package dev.idstream.core.config;

import dev.idstream.core.InputLimits;
import dev.idstream.core.onnx.OrtSettings;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Builds a {@link StageConfig} from a properties file and {@code IDSTREAM_*} environment variables; the environment
 * wins. An environment variable maps to a key by dropping the prefix, lower-casing and turning {@code _} into
 * {@code .}: {@code IDSTREAM_KAFKA_SASL_JAAS_CONFIG} is {@code kafka.sasl.jaas.config}.
 *
 * <p>Keys (defaults in brackets):
 * <pre>
 * kafka.bootstrap.servers              required
 * kafka.*                              any other Kafka client setting, passed verbatim to every client
 * registry.url                         required, Confluent-API Schema Registry base URL
 * registry.auto.register               [false]
 * s3.endpoint, s3.bucket, s3.access.key, s3.secret.key   required
 * s3.region                            [us-east-1]
 * runtime.instance.id                  [host name]
 * runtime.retry.max.attempts           [5]
 * runtime.retry.initial.backoff.ms     [200]
 * runtime.retry.max.backoff.ms         [10000]
 * runtime.poll.timeout.ms              [200]
 * runtime.shutdown.grace.ms            [30000]
 * runtime.http.port                    [0 = any free port]
 * runtime.batch.max.size               [4] inputs a batching stage (denoise) runs together; 1 = no batching
 * limits.max.image.bytes, limits.max.image.width, limits.max.image.height, limits.max.video.bytes,
 * limits.max.video.seconds, limits.max.prompt.chars, limits.max.frames, limits.max.steps, limits.max.width,
 * limits.max.height, limits.max.fps, limits.max.guidance.scale   [InputLimits.defaults()]
 * models.face.bundle                   [~/.cache/idstream/models/face-bundle] face bundle folder (detect, features, metrics)
 * models.generator.bundle              [models/generator-tiny, found from the working directory upwards]
 *                                      generator bundle folder (features, denoise, decode)
 * onnx.device                          [auto] auto (CUDA when a device and the provider are there, else CPU) | cpu | cuda
 * onnx.cuda.device.id                  [0]
 * onnx.threads.intra.op, onnx.threads.inter.op   [0 = ONNX Runtime's choice]
 * onnx.threads.spinning                [false] let idle pool threads spin-wait (faster only on an otherwise idle CPU)
 * onnx.optimization                    [all] disabled | basic | extended | all
 * onnx.cuda.option.*                   passed to the CUDA provider (e.g. onnx.cuda.option.gpu_mem_limit; '.' reads as '_')
 * detect.multiple.faces                [largest] largest | fail
 * detect.min.face.size                 [32] pixels, shorter side of the face box
 * detect.multiview.faces               [6] K, faces in a multi-view face set (main reference face included), 1..32
 * detect.multiview.frames              [24] frames sampled from a reference video (and most reference views), 1..256
 * metrics.evaluator                    [none] a re-scoring metrics deployment: reads idstream.videos.E.v1, runs as metrics-E
 * metrics.sampled.frames               [16] N of linspace(0, F-1, N), the frames scored for RS, IFS and FID
 * </pre>
 * A misspelt key under {@code registry.}, {@code s3.}, {@code runtime.}, {@code limits.}, {@code models.},
 * {@code detect.}, {@code metrics.} or {@code onnx.} is an error, not ignored.
 * Every problem is reported at once in a {@link ConfigException}; secret values never appear in messages.
 */
public final class StageConfigLoader {

    public static final String ENV_PREFIX = "IDSTREAM_";

    private static final Set<String> CHECKED_NAMESPACES = Set.of("registry.", "s3.", "runtime.", "limits.", "models.", "detect.", "metrics.");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> known = new TreeSet<>();

    private StageConfigLoader(Map<String, String> values) {
        this.values = values;
    }

    /** @param propertiesFile may be null (environment only) */
    public static StageConfig load(Path propertiesFile, Map<String, String> environment) {
        Map<String, String> merged = new HashMap<>();
        if (propertiesFile != null) {
            merged.putAll(readProperties(propertiesFile));
        }
        merged.putAll(fromEnvironment(environment));
        return fromMap(merged);
    }

    /** Builds from flat keys as documented above. */
    public static StageConfig fromMap(Map<String, String> values) {
        return new StageConfigLoader(values).build();
    }

    /** The keys the {@code IDSTREAM_*} variables of {@code environment} name (see the class comment for the mapping). */
    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> keys = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                keys.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return keys;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot read configuration file " + file + ": " + e.getMessage()));
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k).trim()));
        return map;
    }

    private StageConfig build() {
        KafkaSettings kafka = section(this::kafka);
        RegistrySettings registry = section(this::registry);
        S3Settings s3 = section(this::s3);
        RuntimeSettings runtime = section(this::runtime);
        InputLimits limits = section(this::limits);
        FaceSettings.MultiView multiView = section(this::multiView);
        FaceSettings face = section(() -> face(multiView != null ? multiView : FaceSettings.MultiView.defaults()));
        MetricsStageSettings metrics = section(this::metrics);
        GeneratorSettings generator = section(this::generator);
        OrtSettings onnx = section(this::onnx);
        rejectUnknownKeys();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new StageConfig(kafka, registry, s3, runtime, limits, face, metrics, generator, onnx);
    }

    /** Runs one section's builder; a record's own validation failure becomes one more listed problem. */
    private <T> T section(Supplier<T> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private KafkaSettings kafka() {
        String bootstrap = required("kafka.bootstrap.servers");
        Map<String, String> overrides = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("kafka.") && !k.equals("kafka.bootstrap.servers")) {
                overrides.put(k.substring("kafka.".length()), v);
            }
        });
        return bootstrap == null ? null : new KafkaSettings(bootstrap, overrides);
    }

    private RegistrySettings registry() {
        String url = httpUrl("registry.url");
        boolean autoRegister = value("registry.auto.register", false, StageConfigLoader::parseBoolean);
        return new RegistrySettings(url, autoRegister);
    }

    private S3Settings s3() {
        String endpoint = httpUrl("s3.endpoint");
        String region = value("s3.region", "us-east-1", Function.identity());
        String bucket = required("s3.bucket");
        if (bucket != null && !BUCKET.matcher(bucket).matches()) {
            problems.add("s3.bucket must be a valid S3 bucket name (3-63 of a-z, 0-9, '.', '-'), was '" + bucket + "'");
        }
        String accessKey = required("s3.access.key");
        String secretKey = required("s3.secret.key");
        return new S3Settings(endpoint, region, bucket, accessKey, secretKey);
    }

    private RuntimeSettings runtime() {
        RuntimeSettings d = RuntimeSettings.defaults("default");
        return new RuntimeSettings(
                value("runtime.instance.id", RuntimeSettings.defaultInstanceId(), Function.identity()),
                value("runtime.retry.max.attempts", d.retryMaxAttempts(), Integer::parseInt),
                millis("runtime.retry.initial.backoff.ms", d.retryInitialBackoff()),
                millis("runtime.retry.max.backoff.ms", d.retryMaxBackoff()),
                millis("runtime.poll.timeout.ms", d.pollTimeout()),
                millis("runtime.shutdown.grace.ms", d.shutdownGrace()),
                value("runtime.http.port", d.httpPort(), Integer::parseInt),
                value("runtime.batch.max.size", d.batchMaxSize(), Integer::parseInt));
    }

    private InputLimits limits() {
        InputLimits d = InputLimits.defaults();
        InputLimits limits = new InputLimits(
                value("limits.max.image.bytes", d.maxImageBytes(), Long::parseLong),
                value("limits.max.image.width", d.maxImageWidth(), Integer::parseInt),
                value("limits.max.image.height", d.maxImageHeight(), Integer::parseInt),
                value("limits.max.video.bytes", d.maxVideoBytes(), Long::parseLong),
                value("limits.max.video.seconds", d.maxVideoSeconds(), Integer::parseInt),
                value("limits.max.prompt.chars", d.maxPromptChars(), Integer::parseInt),
                value("limits.max.frames", d.maxFrames(), Integer::parseInt),
                value("limits.max.steps", d.maxSteps(), Integer::parseInt),
                value("limits.max.width", d.maxWidth(), Integer::parseInt),
                value("limits.max.height", d.maxHeight(), Integer::parseInt),
                value("limits.max.fps", d.maxFps(), Integer::parseInt),
                value("limits.max.guidance.scale", d.maxGuidanceScale(), Float::parseFloat));
        values.forEach((k, v) -> {
            if (k.startsWith("limits.") && known.contains(k) && isNotPositiveNumber(v)) {
                problems.add(k + " must be a positive number, was '" + v + "'");
            }
        });
        return limits;
    }

    private FaceSettings face(FaceSettings.MultiView multiView) {
        FaceSettings d = FaceSettings.defaults();
        return new FaceSettings(
                value("models.face.bundle", d.bundle(), Path::of),
                value("detect.multiple.faces", d.multipleFaces(),
                        v -> FaceSettings.MultipleFaces.valueOf(v.toUpperCase(Locale.ROOT))),
                value("detect.min.face.size", d.minFaceSize(), Integer::parseInt),
                multiView);
    }

    private FaceSettings.MultiView multiView() {
        FaceSettings.MultiView d = FaceSettings.MultiView.defaults();
        return new FaceSettings.MultiView(
                value("detect.multiview.faces", d.faces(), Integer::parseInt),
                value("detect.multiview.frames", d.sampledFrames(), Integer::parseInt));
    }

    private MetricsStageSettings metrics() {
        return new MetricsStageSettings(
                value("metrics.evaluator", null, Function.identity()),
                value("metrics.sampled.frames", MetricsStageSettings.DEFAULT_SAMPLED_FRAMES, Integer::parseInt));
    }

    private GeneratorSettings generator() {
        return new GeneratorSettings(value("models.generator.bundle", null, Path::of));
    }

    /** {@link OrtSettings#fromProperties} knows the onnx.* keys and rejects unknown ones itself. */
    private OrtSettings onnx() {
        Map<String, String> onnxKeys = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("onnx.")) {
                onnxKeys.put(k, v);
            }
        });
        return OrtSettings.fromProperties(onnxKeys);
    }

    private String required(String key) {
        known.add(key);
        String v = values.get(key);
        if (v == null || v.isBlank()) {
            problems.add(key + " is required (or environment variable " + envName(key) + ")");
            return null;
        }
        return v.trim();
    }

    private String httpUrl(String key) {
        String url = required(key);
        if (url == null) {
            return null;
        }
        try {
            URI uri = URI.create(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                problems.add(key + " must be an http(s) URL with a host, was '" + url + "'");
            }
        } catch (IllegalArgumentException e) {
            problems.add(key + " is not a URL: '" + url + "'");
        }
        return url;
    }

    private Duration millis(String key, Duration fallback) {
        return Duration.ofMillis(value(key, fallback.toMillis(), Long::parseLong));
    }

    private <T> T value(String key, T fallback, Function<String, T> parse) {
        known.add(key);
        String raw = values.get(key);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return parse.apply(raw.trim());
        } catch (IllegalArgumentException e) {
            problems.add(key + " has an invalid value '" + raw + "'");
            return fallback;
        }
    }

    private void rejectUnknownKeys() {
        for (String key : new TreeSet<>(values.keySet())) {
            boolean checked = CHECKED_NAMESPACES.stream().anyMatch(key::startsWith);
            if (checked && !known.contains(key)) {
                String namespace = key.substring(0, key.indexOf('.') + 1);
                List<String> candidates = known.stream().filter(k -> k.startsWith(namespace)).toList();
                problems.add("unknown key " + key + " (known " + namespace + "* keys: " + String.join(", ", candidates) + ")");
            }
        }
    }

    private static boolean isNotPositiveNumber(String v) {
        try {
            return !(Double.parseDouble(v.trim()) > 0);
        } catch (NumberFormatException e) {
            return false; // already reported as invalid
        }
    }

    private static Boolean parseBoolean(String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("not a boolean: " + v);
    }

    private static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
