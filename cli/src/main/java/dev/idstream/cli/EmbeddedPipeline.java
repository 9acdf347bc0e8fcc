package dev.idstream.cli;

import dev.idstream.aggregates.AggregatesApp;
import dev.idstream.aggregates.AggregatesSettings;
import dev.idstream.core.Stage;
import dev.idstream.core.Topics;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.config.StageConfigLoader;
import dev.idstream.core.runtime.StageRunner;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.embedded.EmbeddedInfrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The embedded default: real Kafka, Schema Registry and S3 on loopback plus the stages and the aggregates
 * application (request status table, metrics summaries), all in this JVM. Each stage gets its own serde, artifact
 * store and runner, exactly as a separate process would.
 */
public final class EmbeddedPipeline implements AutoCloseable {

    public static final String BUCKET = "idstream";
    public static final int PARTITIONS = 3;
    /** The Kafka Streams application, started by name like a stage. */
    public static final String AGGREGATES = "aggregates";

    private final EmbeddedInfrastructure infrastructure;
    private final Path dataDir;
    private final Map<String, String> values;
    private final StageConfig config;
    private final Map<String, RunningStage> stages = new LinkedHashMap<>();
    private AggregatesApp aggregates;

    private record RunningStage(StageRunner<?, ?> runner, S3ArtifactStore artifacts, Stage<?, ?> stage) {}

    private EmbeddedPipeline(EmbeddedInfrastructure infrastructure, Path dataDir, Map<String, String> values) {
        this.infrastructure = infrastructure;
        this.dataDir = dataDir;
        this.values = Map.copyOf(values);
        this.config = StageConfigLoader.fromMap(values);
    }

    /** The five stages and the aggregates application: the whole pipeline as the demo runs it. */
    public static List<String> everything() {
        List<String> names = new java.util.ArrayList<>(StageCatalog.STAGES.keySet());
        names.add(AGGREGATES);
        return List.copyOf(names);
    }

    /** Starts the infrastructure under {@code dataDir} and the named stages ({@link #everything()} for the demo). */
    public static EmbeddedPipeline start(Path dataDir, List<String> stageNames, Map<String, String> extraConfig) throws Exception {
        EmbeddedInfrastructure infrastructure = EmbeddedInfrastructure.start(dataDir, Topics.ALL, Topics.COMPACTED, PARTITIONS);
        EmbeddedPipeline pipeline = null;
        try {
            Map<String, String> values = new HashMap<>();
            infrastructure.connectionEnv(BUCKET).forEach((k, v) -> values.put(toKey(k), v));
            values.put("registry.auto.register", "true");
            values.putAll(extraConfig);
            pipeline = new EmbeddedPipeline(infrastructure, dataDir, values);
            for (String name : stageNames) {
                pipeline.startStage(name);
            }
            return pipeline;
        } catch (Exception | Error e) {
            // the stages already started too, not only the infrastructure
            if (pipeline != null) {
                pipeline.close();
            } else {
                infrastructure.close();
            }
            throw e;
        }
    }

    /**
     * The user's {@code IDSTREAM_*} settings for an embedded run ({@code onnx.*}, {@code models.*}, {@code runtime.*},
     * {@code limits.*}, ...), without the connection settings the embedded infrastructure supplies itself.
     */
    public static Map<String, String> settingsFromEnvironment() {
        Map<String, String> settings = new HashMap<>(StageConfigLoader.fromEnvironment(System.getenv()));
        settings.keySet().removeIf(key -> key.startsWith("kafka.") || key.startsWith("registry.") || key.startsWith("s3."));
        return settings;
    }

    /** {@code IDSTREAM_S3_ACCESS_KEY} → {@code s3.access.key}, the loader's own mapping. */
    private static String toKey(String env) {
        return env.substring(StageConfigLoader.ENV_PREFIX.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
    }

    /** Connection settings for clients of this pipeline (submit, status, tests). */
    public StageConfig config() {
        return config;
    }

    public EmbeddedInfrastructure infrastructure() {
        return infrastructure;
    }

    /** The environment another process needs to join this cluster ({@code ./idstream stage}, {@code submit}). */
    public Map<String, String> connectionEnv() {
        Map<String, String> env = new LinkedHashMap<>(infrastructure.connectionEnv(BUCKET));
        // The embedded registry starts empty: whoever publishes first registers the schema.
        env.put("IDSTREAM_REGISTRY_AUTO_REGISTER", "true");
        return env;
    }

    /** Writes the connection settings as a properties file for {@code --config} (submit, eval, replay, stage). */
    public Path writeConnectionProperties(Path file) throws java.io.IOException {
        return java.nio.file.Files.writeString(file, connectionEnv().entrySet().stream()
                .map(e -> toKey(e.getKey()) + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining("\n", "", "\n")));
    }

    public synchronized void startStage(String name) throws Exception {
        startStage(name, Map.of());
    }

    /**
     * Starts a stage with settings of its own on top of the pipeline's, e.g. a re-scoring metrics deployment
     * ({@code metrics.evaluator}, {@code models.face.bundle}). It is registered under the name it runs as
     * ({@code metrics-E} for a re-scoring deployment), which {@link #stopStage} and {@link #runner} take.
     */
    public synchronized void startStage(String name, Map<String, String> overrides) throws Exception {
        start(name, overrides, 1);
    }

    /**
     * Starts replica {@code replica} (2, 3, ...) of a stage: one more member of the stage's consumer group, sharing
     * the input partitions with the others. Its {@code runtime.instance.id} is the pipeline's with {@code -<replica>}
     * appended, because the transactional id includes it. It is registered as {@link #replicaName}, which
     * {@link #stopStage} and {@link #runner} take. The aggregates application has no replicas here.
     */
    public synchronized String startReplica(String name, int replica, Map<String, String> overrides) throws Exception {
        if (replica < 2) {
            throw new IllegalArgumentException("replica numbers start at 2 (the first is startStage's), got " + replica);
        }
        if (name.equals(AGGREGATES)) {
            throw new IllegalArgumentException("stage " + name + " runs once per embedded pipeline");
        }
        return start(name, overrides, replica);
    }

    /** The name replica {@code replica} of stage {@code stage} is registered under: the stage's own for the first. */
    public static String replicaName(String stage, int replica) {
        return replica == 1 ? stage : stage + "#" + replica;
    }

    private String start(String name, Map<String, String> overrides, int replica) throws Exception {
        if (name.equals(AGGREGATES)) {
            if (!overrides.isEmpty()) {
                throw new IllegalArgumentException("stage " + name + " takes no settings of its own; got " + overrides.keySet());
            }
            if (aggregates != null) {
                throw new IllegalStateException("stage " + name + " is already running");
            }
            aggregates = AggregatesApp.start(config, AggregatesSettings.defaults().withStateDir(dataDir.resolve("aggregates-state"))
                    .withSetFidInterval(Duration.ofSeconds(2)));
            return AGGREGATES;
        }
        Map<String, String> own = new HashMap<>(values);
        own.putAll(overrides);
        if (replica > 1) {
            own.put("runtime.instance.id", config.runtime().instanceId() + "-" + replica);
        }
        StageConfig stageConfig = own.equals(values) ? config : StageConfigLoader.fromMap(own);
        Stage<?, ?> stage = StageCatalog.create(name, stageConfig);
        String registered = replicaName(stage.name(), replica);
        if (stages.containsKey(registered)) {
            stage.close();
            throw new IllegalStateException("stage " + registered + " is already running");
        }
        S3ArtifactStore artifacts = null;
        try {
            artifacts = S3ArtifactStore.open(stageConfig.s3());
            StageRunner<?, ?> runner = run(stage, stageConfig, new ConfluentEventSerde(stageConfig.registry()), artifacts);
            stages.put(registered, new RunningStage(runner, artifacts, stage));
            return registered;
        } catch (Exception | Error e) {
            if (artifacts != null) {
                artifacts.close();
            }
            try {
                stage.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    public synchronized void stopStage(String name) throws Exception {
        if (name.equals(AGGREGATES) && aggregates != null) {
            aggregates.close();
            aggregates = null;
            return;
        }
        RunningStage running = stages.remove(name);
        if (running != null) {
            running.runner().close();
            running.artifacts().close();
            running.stage().close();
        }
    }

    public synchronized StageRunner<?, ?> runner(String name) {
        RunningStage running = stages.get(name);
        if (running == null) {
            throw new IllegalArgumentException("no stage " + name + " is running; running: " + stages.keySet());
        }
        return running.runner();
    }

    private static <I extends SpecificRecord, O extends SpecificRecord> StageRunner<I, O> run(
            Stage<I, O> stage, StageConfig config, ConfluentEventSerde serde, S3ArtifactStore artifacts) {
        return new StageRunner<>(stage, config, serde, artifacts).start();
    }

    @Override
    public synchronized void close() {
        List<String> names = new java.util.ArrayList<>(stages.keySet());
        if (aggregates != null) {
            names.add(AGGREGATES);
        }
        java.util.Collections.reverse(names); // downstream first, so nothing new arrives at a stopped stage
        for (String name : names) {
            try {
                stopStage(name);
            } catch (Exception e) {
                System.err.println("stopping stage " + name + " failed: " + e);
            }
        }
        infrastructure.close();
    }
}
