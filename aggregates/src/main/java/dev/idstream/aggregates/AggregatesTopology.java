package dev.idstream.aggregates;

import dev.idstream.core.Topics;
import dev.idstream.core.serde.EventSerde;
import dev.idstream.core.serde.EventSerdes;
import dev.idstream.core.serde.UnreadableEventException;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.RequestStatus;
import dev.idstream.events.StageFailed;
import dev.idstream.events.TokensFused;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import java.time.Duration;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.ValueMapper;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two topologies of the aggregates application, built without side effects (tested with
 * {@code TopologyTestDriver}):
 * <ul>
 *   <li><b>request status</b>: every pipeline event (requests, faces, tokens, latents, videos, metrics, failures) becomes
 *       the state it stands for; the latest forward state per request id goes to the compacted {@code idstream.status.v1};
 *   <li><b>metrics summary</b>: {@code VideoMetrics}, re-keyed by (model version, evaluation set, evaluator), folded into
 *       a {@code MetricsSummary} on the compacted {@code idstream.metrics-summary.v1}, with the set-level Fréchet distance
 *       from Inception statistics accumulated in S3 ({@link SummaryProcessor}).
 * </ul>
 */
public final class AggregatesTopology {

    /** Internal repartition topic (prefixed by the application id); it carries the metrics records' original bytes. */
    static final String METRICS_BY_SUMMARY = "metrics-by-summary";
    private static final Logger log = LoggerFactory.getLogger(AggregatesTopology.class);

    private AggregatesTopology() {}

    static Topology build(EventSerde serde, FeatureStatsStore stats, Duration setFidInterval) {
        StreamsBuilder builder = new StreamsBuilder();
        // A topic has one source node: both topologies read the metrics records from this one, as bytes.
        KStream<String, byte[]> metrics = builder.stream(Topics.METRICS, Consumed.with(Serdes.String(), Serdes.ByteArray())
                .withName("source-" + Topics.METRICS));
        addStatus(builder, serde, metrics);
        addSummaries(builder, serde, stats, setFidInterval, metrics);
        return builder.build();
    }

    private static void addStatus(StreamsBuilder builder, EventSerde serde, KStream<String, byte[]> metrics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StatusProcessor.STORE),
                Serdes.String(), new AvroStateSerde<>(RequestStatus.class)));
        KStream<String, RequestStatus> statuses = states(builder, serde, Topics.REQUESTS, GenerationRequested.class, StatusTransitions::requested)
                .merge(states(builder, serde, Topics.FACES, FaceDetected.class, StatusTransitions::faceDetected))
                .merge(states(builder, serde, Topics.TOKENS, TokensFused.class, StatusTransitions::tokensFused))
                .merge(states(builder, serde, Topics.LATENTS, LatentsDenoised.class, StatusTransitions::latentsDenoised))
                .merge(states(builder, serde, Topics.VIDEOS, VideoDecoded.class, StatusTransitions::videoDecoded))
                .merge(metrics.flatMapValues(bytes -> read(serde, bytes).map(StatusTransitions::scored).stream().toList(),
                        Named.as("status-of-" + Topics.METRICS)))
                .merge(states(builder, serde, Topics.FAILURES, StageFailed.class, StatusTransitions::failed));
        statuses.process(StatusProcessor::new, Named.as("request-status-latest"), StatusProcessor.STORE)
                .to(Topics.STATUS, Produced.with(Serdes.String(), EventSerdes.of(serde, RequestStatus.class)));
    }

    private static <E extends SpecificRecord> KStream<String, RequestStatus> states(
            StreamsBuilder builder, EventSerde serde, String topic, Class<E> type, ValueMapper<E, RequestStatus> toStatus) {
        return builder.stream(topic, Consumed.with(Serdes.String(), EventSerdes.of(serde, type)).withName("status-source-" + topic))
                .mapValues(toStatus, Named.as("status-of-" + topic));
    }

    private static void addSummaries(StreamsBuilder builder, EventSerde serde, FeatureStatsStore stats, Duration setFidInterval,
                                     KStream<String, byte[]> metrics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SummaryProcessor.SUMMARIES),
                Serdes.String(), new SummaryStateSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SummaryProcessor.COUNTED),
                Serdes.String(), Serdes.Long()));
        metrics.selectKey((requestId, bytes) -> read(serde, bytes).map(m -> SummaryKey.of(m).recordKey()).orElse(null), Named.as("summary-key"))
                .filter((key, bytes) -> key != null, Named.as("summary-readable"))
                .repartition(Repartitioned.<String, byte[]>as(METRICS_BY_SUMMARY).withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()))
                .process(() -> new SummaryProcessor(serde, stats, setFidInterval), Named.as("summary-fold"),
                        SummaryProcessor.SUMMARIES, SummaryProcessor.COUNTED)
                .to(Topics.METRICS_SUMMARY, Produced.with(Serdes.String(), EventSerdes.of(serde, MetricsSummary.class)));
    }

    /** The event, or empty for an unreadable record (logged, then dropped). */
    private static Optional<VideoMetrics> read(EventSerde serde, byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(serde.deserialize(Topics.METRICS, bytes, VideoMetrics.class));
        } catch (UnreadableEventException e) {
            log.warn("skipping an unreadable record on {}: {}", Topics.METRICS, e.getMessage());
            return Optional.empty();
        }
    }
}
