package dev.idstream.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka 4.3 KRaft node (combined broker + controller, node id 1) running in this JVM, on loopback ports
 * chosen at start. Configured for a single node: internal topics with replication 1 and min ISR 1, so that
 * transactions and compaction work as in production.
 *
 * <p>A given data directory is formatted on first start and reused afterwards, so topics and offsets survive a
 * restart; {@link #startTemporary()} uses a fresh directory that {@link #close()} deletes.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** Ports are probed free and then bound by the broker; another process may win the race, so retry a few times. */
    private static final int START_ATTEMPTS = 3;
    private static final Duration TOPIC_VISIBLE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final boolean deleteOnClose;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path dataDir, boolean deleteOnClose) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
    }

    /** Starts a node on {@code dataDir} (created and formatted if new, reused as it is otherwise). */
    public static EmbeddedKafka start(Path dataDir) {
        return start(dataDir, false);
    }

    /** Starts a node on a new temporary directory, deleted again by {@link #close()}. */
    public static EmbeddedKafka startTemporary() {
        try {
            return start(Files.createTempDirectory("idstream-kafka-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
        }
    }

    private static EmbeddedKafka start(Path dataDir, boolean deleteOnClose) {
        Path logDir = dataDir.toAbsolutePath().resolve("kraft-logs");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka log directory " + logDir, e);
        }
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int brokerPort = freePort();
            int controllerPort = freePort();
            KafkaConfig config = KafkaConfig.fromProps(serverProperties(logDir, brokerPort, controllerPort), false);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(config, logDir);
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                lastFailure = e;
                log.warn("Kafka did not start on ports {}/{} (attempt {}): {}", brokerPort, controllerPort, attempt, e.toString());
                shutdownQuietly(server);
                continue;
            }
            EmbeddedKafka kafka = new EmbeddedKafka(server, "127.0.0.1:" + brokerPort, dataDir, deleteOnClose);
            kafka.awaitReady();
            log.info("Embedded Kafka {} ready at {} (data in {})", org.apache.kafka.common.utils.AppInfoParser.getVersion(),
                    kafka.bootstrapServers, logDir);
            return kafka;
        }
        throw new IllegalStateException("embedded Kafka failed to start after " + START_ATTEMPTS + " attempts", lastFailure);
    }

    private static Properties serverProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // A static voter set (not a dynamic quorum): the controller port may change between restarts on the same data.
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // Single node: every internal topic has one replica, and one in-sync replica is enough.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        // Topics are created explicitly (as in production), so a misspelt topic name fails instead of appearing.
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Small footprint: the default 128 MiB dedupe buffer and thread pools are sized for a real server.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 << 20));
        p.put("log.cleaner.threads", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("background.threads", "2");
        return p;
    }

    private static void format(KafkaConfig config, Path logDir) {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setPrintStream(quiet)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("embedded Kafka started but does not answer: " + e.getCause(), e.getCause());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** {@code host:port} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** A new Admin client for this node; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
    }

    /**
     * Creates topics that do not exist yet (existing ones are left as they are, so this is safe on a restart).
     *
     * @param names topics to create
     * @param partitions partitions of each new topic
     * @param compacted those of {@code names} whose records are the latest value per key ({@code cleanup.policy=compact})
     */
    public void createTopics(Collection<String> names, int partitions, Collection<String> compacted) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            NewTopic topic = new NewTopic(name, partitions, (short) 1);
            if (compacted.contains(name)) {
                topic.configs(Map.of("cleanup.policy", "compact"));
            }
            topics.add(topic);
        }
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            awaitVisible(admin, names);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The controller has the topics once creation returns; wait until the broker serves them too. */
    private static void awaitVisible(Admin admin, Collection<String> names) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + TOPIC_VISIBLE_TIMEOUT.toNanos();
        while (!admin.listTopics().names().get().containsAll(names)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + names + " were created but are not visible after " + TOPIC_VISIBLE_TIMEOUT);
            }
            Thread.sleep(20);
        }
    }

    /** Stops the node cleanly (its threads end before this returns) and deletes a temporary data directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long start = System.nanoTime();
        shutdownQuietly(server);
        log.info("Embedded Kafka stopped in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Kafka shutdown reported an error", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
