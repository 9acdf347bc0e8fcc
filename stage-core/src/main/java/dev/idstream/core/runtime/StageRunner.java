package dev.idstream.core.runtime;

import dev.idstream.core.BatchingStage;
import dev.idstream.core.Stage;
import dev.idstream.core.artifacts.ArtifactStore;
import dev.idstream.core.config.RuntimeSettings;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.serde.EventSerde;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Stage} as a member of consumer group {@code idstream-<stage>}: for each input, read, validate, run
 * the step, and commit output event + input offset in one Kafka transaction (transactional
 * id {@code idstream-<stage>-<instanceId>}). Failures become exactly one {@code StageFailed} per request; transient
 * faults are retried first. Serves {@code /metrics} and {@code /health}.
 *
 * <pre>{@code
 * StageRunner<?, ?> runner = new StageRunner<>(stage, config, serde, artifacts).start();
 * Runtime.getRuntime().addShutdownHook(new Thread(runner::close));   // SIGTERM: graceful
 * runner.awaitTermination();                                         // until closed, or failed: see failure()
 * }</pre>
 *
 * The stage, serde and artifact store stay the caller's: the runner does not close them.
 */
public final class StageRunner<I extends SpecificRecord, O extends SpecificRecord> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StageRunner.class);
    /** Extra time, beyond the step's grace, for closing the Kafka clients on shutdown. */
    private static final Duration CLIENT_CLOSE_ALLOWANCE = Duration.ofSeconds(30);

    private final Stage<I, O> stage;
    private final StageConfig config;
    private final EventSerde serde;
    private final ArtifactStore artifacts;
    private final StageMetrics metrics;
    private final Thread loopThread;
    private volatile StageLoop loop;
    private volatile StageHttpServer http;
    private volatile Throwable failure;
    private volatile boolean started;
    private volatile boolean stopRequested;

    public StageRunner(Stage<I, O> stage, StageConfig config, EventSerde serde, ArtifactStore artifacts) {
        this.stage = stage;
        this.config = config;
        this.serde = serde;
        this.artifacts = artifacts;
        this.metrics = new StageMetrics(stage.name());
        this.loopThread = new Thread(this::runLoop, "idstream-" + stage.name() + "-" + config.runtime().instanceId() + "-loop");
    }

    /** Opens the HTTP endpoint and starts consuming on a thread of its own. */
    public synchronized StageRunner<I, O> start() {
        if (started) {
            throw new IllegalStateException("stage runner " + stage.name() + " already started");
        }
        started = true;
        http = new StageHttpServer(config.runtime().httpPort(), metrics.registry(), this::health);
        loopThread.start();
        log.info("stage {} started: {} -> {}, group {}, instance {}, metrics/health on port {}", stage.name(), stage.inputTopic(),
                stage.outputTopic(), KafkaClients.groupId(stage.name()), config.runtime().instanceId(), http.port());
        return this;
    }

    private void runLoop() {
        RuntimeSettings runtime = config.runtime();
        KafkaClients clients = new KafkaClients(config.kafka(), stage.name(), runtime.instanceId());
        RetryPolicy retryPolicy = RetryPolicy.from(runtime);
        StageEvents events = new StageEvents(stage.name(), serde);
        Retrying retrying = new Retrying(retryPolicy, (attempts, backoff, cause) -> {
            metrics.retried();
            log.warn("transient fault (attempt {} of {}), retrying in {} ms: {}", attempts, retryPolicy.maxAttempts(),
                    backoff.toMillis(), ExceptionChain.summary(cause));
        });
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "idstream-" + stage.name() + "-" + runtime.instanceId() + "-step");
            t.setDaemon(true); // a step that ignores interruption must not keep the JVM alive after shutdown
            return t;
        });
        BatchingStage<I, O> batching = stage instanceof BatchingStage<I, O> b && runtime.batchMaxSize() > 1 ? b : null;
        try (KafkaConsumer<String, byte[]> consumer = clients.consumer(batching == null ? 1 : runtime.batchMaxSize());
             KafkaProducer<String, byte[]> progressProducer = clients.progressProducer();
             TransactionalEmitter emitter = new TransactionalEmitter(clients::transactionalProducer)) {
            ProgressPublisher progress = new ProgressPublisher(progressProducer, events);
            RecordProcessor<I, O> processor = new RecordProcessor<>(stage, serde, artifacts, config.limits(), events, retrying, progress);
            loop = new StageLoop(stage, consumer, new BatchProcessor<>(processor, batching), emitter, events, worker, metrics, retryPolicy,
                    runtime.pollTimeout(), runtime.shutdownGrace());
            if (stopRequested) {
                loop.stop();
            }
            loop.run();
        } catch (Throwable t) {
            failure = t;
            log.error("stage {} stopped on an unrecoverable error", stage.name(), t);
        } finally {
            worker.shutdownNow();
            awaitQuietly(worker);
            log.info("stage {} stopped", stage.name());
        }
    }

    /** Port of {@code /metrics} and {@code /health}. */
    public int httpPort() {
        StageHttpServer server = http;
        if (server == null) {
            throw new IllegalStateException("stage runner " + stage.name() + " is not started");
        }
        return server.port();
    }

    /** Up while the loop runs and has polled recently (it also polls during long steps). */
    public StageHealth health() {
        StageLoop current = loop;
        if (current == null || !loopThread.isAlive()) {
            String state = failure != null ? "failed: " + failure : started ? (loopThread.isAlive() ? "starting" : "stopped") : "not started";
            return new StageHealth(false, stage.name(), state, 0, -1);
        }
        long sincePoll = current.millisSinceLastPoll();
        long window = Math.max(10_000, 5 * config.runtime().pollTimeout().toMillis());
        if (current.stopping()) {
            return new StageHealth(false, stage.name(), "stopping", current.assignedPartitions(), sincePoll);
        }
        boolean polling = sincePoll <= window;
        return new StageHealth(polling, stage.name(), polling ? "running" : "not polling", current.assignedPartitions(), sincePoll);
    }

    /** The error that stopped the loop, if it stopped on its own. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Blocks until the loop has ended (after {@link #close()}, or on its own after an unrecoverable error). */
    public void awaitTermination() throws InterruptedException {
        loopThread.join();
    }

    /** @return true when the loop has ended within the timeout */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        loopThread.join(Math.max(1, timeout.toMillis()));
        return !loopThread.isAlive();
    }

    /**
     * Graceful shutdown: the step in flight may finish within the shutdown grace and is then committed; otherwise it is
     * abandoned uncommitted and another replica (or the next start) processes it again. Then the clients close.
     */
    @Override
    public void close() {
        stopRequested = true;
        StageLoop current = loop;
        if (current != null) {
            current.stop();
        }
        if (loopThread.isAlive()) {
            try {
                if (!awaitTermination(config.runtime().shutdownGrace().plus(CLIENT_CLOSE_ALLOWANCE))) {
                    log.warn("stage {} did not stop within {}", stage.name(), config.runtime().shutdownGrace().plus(CLIENT_CLOSE_ALLOWANCE));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StageHttpServer server = http;
        if (server != null) {
            server.close();
        }
    }

    private static void awaitQuietly(ExecutorService worker) {
        try {
            worker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
