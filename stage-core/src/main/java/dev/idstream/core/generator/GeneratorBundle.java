package dev.idstream.core.generator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idstream.core.config.GeneratorSettings;
import dev.idstream.core.onnx.BundleException;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded generator bundle (kind {@code generator}): its sessions, opened once per role and shared, and the
 * settings the stages need from its {@code config} (tokenizer, scheduler, latent geometry, V_F shape).
 */
public final class GeneratorBundle implements AutoCloseable {

    /** The roles of a generator bundle (models/README.md). */
    public enum Role {
        IMAGE_ENCODER("image_encoder"), ID_ENCODER("id_encoder"), TEXT_ENCODER("text_encoder"),
        DENOISER("denoiser"), VAE_ENCODER("vae_encoder"), VAE_DECODER("vae_decoder");

        public final String key;

        Role(String key) {
            this.key = key;
        }
    }

    static final Path TINY = Path.of("models", "generator-tiny");

    private final ModelBundle bundle;
    private final OrtRuntime runtime;
    private final LatentGeometry geometry;
    private final SchedulerConfig scheduler;
    private final ByteTokenizer tokenizer;
    private final Map<Role, OnnxSession> sessions = new EnumMap<>(Role.class);
    private boolean closed;

    public GeneratorBundle(ModelBundle bundle, OrtRuntime runtime) {
        if (!"generator".equals(bundle.kind())) {
            throw new IllegalArgumentException("bundle " + bundle.location() + " is a '" + bundle.kind()
                    + "' bundle; the generation stages need a 'generator' bundle");
        }
        this.bundle = bundle;
        this.runtime = runtime;
        JsonNode config = bundle.config();
        this.geometry = LatentGeometry.fromConfig(config);
        this.scheduler = SchedulerConfig.fromJson(config.path("scheduler"));
        this.tokenizer = ByteTokenizer.fromJson(config.path("tokenizer"));
    }

    /** models/generator-tiny, found from the working directory upwards: the bundle when {@code models.generator.bundle} names none. */
    public static Path defaultLocation() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(TINY).resolve("bundle.json"))) {
                return dir.resolve(TINY);
            }
        }
        throw new BundleException(TINY.toString(), List.of("no generator bundle found: set models.generator.bundle"
                + " (IDSTREAM_MODELS_GENERATOR_BUNDLE), or run from inside the repository (models/generator-tiny)"));
    }

    public static GeneratorBundle loadDefault(OrtRuntime runtime) {
        return new GeneratorBundle(ModelBundle.load(defaultLocation()), runtime);
    }

    /** The configured bundle ({@link #defaultLocation()} when none is named), run with {@code onnx} (what the stages serve). */
    public static GeneratorBundle load(GeneratorSettings settings, OrtSettings onnx) {
        Path location = settings.bundle() != null ? settings.bundle() : defaultLocation();
        return new GeneratorBundle(ModelBundle.load(location), OrtRuntime.create(onnx));
    }

    /**
     * Opens the roles' sessions now, so a stage that cannot serve the bundle (a role missing or tampered, a precision
     * the device cannot run) stops at start-up with the reason instead of failing every request. On failure closes
     * the sessions this call opened (not those other users of the bundle hold) and rethrows.
     */
    public synchronized GeneratorBundle open(Role... roles) {
        List<Role> opened = new ArrayList<>();
        try {
            for (Role role : roles) {
                if (!sessions.containsKey(role)) {
                    session(role);
                    opened.add(role);
                }
            }
            return this;
        } catch (RuntimeException e) {
            opened.forEach(role -> sessions.remove(role).close());
            throw e;
        }
    }

    /** The role's session, opened on first use and kept open (sessions are thread-safe for run). */
    public synchronized OnnxSession session(Role role) {
        if (closed) {
            throw new IllegalStateException("generator bundle " + id() + " is closed");
        }
        return sessions.computeIfAbsent(role, r -> bundle.open(runtime, r.key));
    }

    /** The runtime the sessions run on (a stage's other models use it too, so they share its device and threads). */
    public OrtRuntime runtime() {
        return runtime;
    }

    public ModelBundle bundle() {
        return bundle;
    }

    /** "name version", recorded in events so results name the generator that made them. */
    public String id() {
        return bundle.name() + " " + bundle.version();
    }

    public LatentGeometry geometry() {
        return geometry;
    }

    public SchedulerConfig schedulerConfig() {
        return scheduler;
    }

    public ByteTokenizer tokenizer() {
        return tokenizer;
    }

    /** Preprocessing constants of a role (free-form JSON, models/README.md). */
    public JsonNode preprocessing(Role role) {
        return bundle.model(role.key).preprocessing();
    }

    @Override
    public synchronized void close() {
        closed = true;
        sessions.values().forEach(OnnxSession::close);
        sessions.clear();
    }
}
