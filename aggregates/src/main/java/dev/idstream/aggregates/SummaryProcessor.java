package dev.idstream.aggregates;

import dev.idstream.core.StageException;
import dev.idstream.core.serde.EventSerde;
import dev.idstream.core.serde.UnreadableEventException;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.VideoMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds each {@code VideoMetrics} (already keyed by {@link SummaryKey}) into its summary and emits the updated
 * {@code MetricsSummary} at once. The set-level Fréchet distance is seconds of work at D = 2048, so it is not computed
 * per video: a wall-clock punctuator recomputes it every {@code setFidInterval} for the summaries whose features
 * changed, and emits the summary again with it. Until then a summary carries the previous {@code setFid} together
 * with {@code setFidVideos}, the videos that value covers.
 *
 * <p>A video (request id) is counted once per summary, so a re-scored or replayed {@code VideoMetrics} of the same
 * request and evaluator does not count twice.
 */
final class SummaryProcessor implements Processor<String, byte[], String, MetricsSummary> {

    static final String SUMMARIES = "metrics-summaries";
    static final String COUNTED = "metrics-summary-counted-videos";
    private static final Logger log = LoggerFactory.getLogger(SummaryProcessor.class);

    private final EventSerde serde;
    private final FeatureStatsStore stats;
    private final Duration setFidInterval;
    private ProcessorContext<String, MetricsSummary> context;
    private KeyValueStore<String, SummaryState> summaries;
    private KeyValueStore<String, Long> counted;

    SummaryProcessor(EventSerde serde, FeatureStatsStore stats, Duration setFidInterval) {
        this.serde = serde;
        this.stats = stats;
        this.setFidInterval = setFidInterval;
    }

    @Override
    public void init(ProcessorContext<String, MetricsSummary> context) {
        this.context = context;
        this.summaries = context.getStateStore(SUMMARIES);
        this.counted = context.getStateStore(COUNTED);
        context.schedule(setFidInterval, PunctuationType.WALL_CLOCK_TIME, this::updateSetFids);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        VideoMetrics metrics;
        try {
            metrics = serde.deserialize(AggregatesTopology.METRICS_BY_SUMMARY, record.value(), VideoMetrics.class);
        } catch (UnreadableEventException e) {
            log.warn("skipping an unreadable VideoMetrics for summary {}: {}", record.key(), e.getMessage());
            return;
        }
        SummaryKey key = SummaryKey.of(metrics);
        String video = key.recordKey() + "|" + metrics.getRequestId();
        if (counted.get(video) != null) {
            log.info("request {} is already counted in summary {}; ignoring its repeated VideoMetrics", metrics.getRequestId(), key.recordKey());
            return;
        }
        SummaryState state = summaries.get(key.recordKey());
        state = (state == null ? SummaryState.empty(key) : state).withScores(metrics, metrics.getCreatedAt().toEpochMilli());
        state = withFeatures(state, metrics);
        summaries.put(key.recordKey(), state);
        counted.put(video, state.videos());
        context.forward(record.withKey(key.recordKey()).withValue(state.toEvent()).withTimestamp(state.updatedAtMillis()));
    }

    private SummaryState withFeatures(SummaryState state, VideoMetrics metrics) {
        if (metrics.getInceptionFeatures() == null) {
            return state;
        }
        try {
            FeatureStatsStore.VideoFeatures video = stats.readVideo(metrics.getInceptionFeatures());
            FeatureStats accumulated = state.stats() == null ? FeatureStats.empty(video.dim()) : stats.take(state.stats());
            if (accumulated.dim() != video.dim()) {
                log.error("request {}: Inception features of dimension {}, summary {} holds dimension {}; left out of the set FID",
                        metrics.getRequestId(), video.dim(), state.key().recordKey(), accumulated.dim());
                return state;
            }
            long start = System.nanoTime();
            accumulated.generated().addAll(video.frames(), video.frameRows());
            accumulated.reference().addAll(video.reference(), video.referenceRows());
            SummaryState updated = state.withFeatureStats(stats.write(state.key(), state.featureVideos() + 1, accumulated),
                    accumulated.generated().count(), accumulated.reference().count());
            log.info("request {}: {} frame features merged into the statistics of {} and stored in {} ms", metrics.getRequestId(),
                    video.frameRows(), state.key().recordKey(), (System.nanoTime() - start) / 1_000_000);
            return updated;
        } catch (StageException.BadInput e) {
            log.error("request {}: its Inception features are left out of the set FID of {}: {}", metrics.getRequestId(),
                    state.key().recordKey(), e.getMessage());
            return state;
        } catch (StageException e) {
            // S3 unreachable: fail the task; Streams replaces the thread and processes the record again from the last commit.
            throw new StreamsException("cannot update the Inception statistics of " + state.key().recordKey() + ": " + e.getMessage(), e);
        }
    }

    private void updateSetFids(long now) {
        List<KeyValue<String, SummaryState>> stale = new ArrayList<>();
        try (KeyValueIterator<String, SummaryState> all = summaries.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.setFidStale()) {
                    stale.add(kv);
                }
            });
        }
        for (KeyValue<String, SummaryState> kv : stale) {
            SummaryState state = kv.value;
            Double fid;
            long start = System.nanoTime();
            try {
                fid = stats.peek(state.stats()).frechetDistance();
            } catch (StageException.Transient e) {
                log.warn("set FID of {} not updated, will retry: {}", kv.key, e.getMessage());
                continue;
            } catch (StageException | ArithmeticException e) {
                log.error("set FID of {} cannot be computed from {}: {}", kv.key, state.stats().getUri(), e.getMessage());
                fid = state.setFid();
            }
            log.info("set FID of {} over {} videos ({} generated, {} reference crops): {} in {} ms", kv.key,
                    state.featureVideos(), state.generatedSamples(), state.referenceSamples(), fid, (System.nanoTime() - start) / 1_000_000);
            SummaryState updated = state.withSetFid(fid, now);
            summaries.put(kv.key, updated);
            context.forward(new Record<>(kv.key, updated.toEvent(), now));
        }
    }
}
