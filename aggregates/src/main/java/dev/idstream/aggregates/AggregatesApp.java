package dev.idstream.aggregates;

import dev.idstream.core.StageException;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.serde.ConfluentEventSerde;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregates application: one Kafka Streams instance (exactly_once_v2) running {@link AggregatesTopology}, the
 * single writer of the request status table and of the metrics summaries. Scale by starting more instances with the
 * same application id; the input partitions bound the parallelism.
 */
public final class AggregatesApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AggregatesApp.class);
    /** One punctuation may compute a full-rank set FID (tens of seconds at D = 2048): keep the open transaction alive. */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(5);

    /** A transient failure (S3 unreachable) is retried by a fresh thread; more than this within the window is deterministic. */
    private static final int MAX_THREAD_REPLACEMENTS = 5;
    private static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

    private final KafkaStreams streams;
    private final S3ArtifactStore artifacts;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private AggregatesApp(KafkaStreams streams, S3ArtifactStore artifacts) {
        this.streams = streams;
        this.artifacts = artifacts;
    }

    public static AggregatesApp start(StageConfig config, AggregatesSettings settings) throws StageException {
        S3ArtifactStore artifacts = S3ArtifactStore.open(config.s3());
        try {
            ConfluentEventSerde serde = new ConfluentEventSerde(config.registry());
            KafkaStreams streams = new KafkaStreams(
                    AggregatesTopology.build(serde, new FeatureStatsStore(artifacts), settings.setFidInterval()),
                    streamsConfig(config, settings));
            AggregatesApp app = new AggregatesApp(streams, artifacts);
            streams.setUncaughtExceptionHandler(new BoundedThreadReplacement(MAX_THREAD_REPLACEMENTS, REPLACEMENT_WINDOW, Clock.systemUTC()));
            streams.setStateListener((now, before) -> {
                log.info("aggregates: {} -> {}", before, now);
                if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                    app.stopped.countDown();
                }
            });
            streams.start();
            return app;
        } catch (RuntimeException e) {
            artifacts.close();
            throw e;
        }
    }

    static Properties streamsConfig(StageConfig config, AggregatesSettings settings) {
        Properties props = new Properties();
        props.putAll(config.kafka().clientConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // One stream thread per instance: the FeatureStatsStore shared by the tasks (its cache) is not thread-safe.
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UnreadableRecordHandler.class.getName());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) TRANSACTION_TIMEOUT.toMillis());
        return props;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until the application has stopped (closed, or failed for good); true if it did within {@code timeout}. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        artifacts.close();
        stopped.countDown();
    }
}
