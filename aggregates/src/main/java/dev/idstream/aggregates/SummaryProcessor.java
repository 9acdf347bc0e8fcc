package dev.idstream.aggregates;

import dev.idstream.core.StageException;
import dev.idstream.core.serde.EventSerde;
import dev.idstream.core.serde.UnreadableEventException;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.VideoMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
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
 * {@code MetricsSummary} at once: counts and score statistics, and the video's Inception features queued in the state.
 * A wall-clock punctuator, every {@code setFidInterval}, merges the queued features into the summary's statistics in
 * S3 (each video's features file is read once, one video at a time in arrival order, so {@code stats-<n>} always holds
 * the same first n videos whatever the batching) and computes the set-level Fréchet distance, seconds of work at
 * D = 2048 that would otherwise hold up every record of the stream thread, the status table's included. Until then
 * a summary carries the previous {@code setFid} with {@code setFidVideos}, the videos that value covers. If the
 * statistics file cannot be read any more (e.g. deleted), the videos it held are dropped and fresh statistics start from
 * the pending videos.
 *
 * <p>A video (request id) is counted once per summary, so a re-scored or replayed {@code VideoMetrics} of the same
 * request and evaluator does not count twice.
 */
final class SummaryProcessor implements Processor<String, byte[], String, MetricsSummary> {

    static final String SUMMARIES = "metrics-summaries";
    static final String COUNTED = "metrics-summary-counted-videos";
    private static final Logger log = LoggerFactory.getLogger(SummaryProcessor.class);
    /**
     * Summaries merged in one punctuation start within this budget; the rest wait for the next one. One punctuation
     * runs inside one Streams transaction (timeout 5 min), and one full-rank set FID alone can take over a minute here.
     */
    static final Duration MERGE_BUDGET = Duration.ofSeconds(60);

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
        context.schedule(setFidInterval, PunctuationType.WALL_CLOCK_TIME, this::mergePendingFeatures);
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
        state = (state == null ? SummaryState.empty(key) : state).withVideo(metrics, metrics.getCreatedAt().toEpochMilli());
        summaries.put(key.recordKey(), state);
        counted.put(video, state.videos());
        context.forward(record.withKey(key.recordKey()).withValue(state.toEvent()).withTimestamp(state.updatedAtMillis()));
    }

    private void mergePendingFeatures(long now) {
        List<KeyValue<String, SummaryState>> pending = new ArrayList<>();
        try (KeyValueIterator<String, SummaryState> all = summaries.all()) {
            all.forEachRemaining(kv -> {
                if (!kv.value.pendingFeatures().isEmpty()) {
                    pending.add(kv);
                }
            });
        }
        long deadline = System.nanoTime() + MERGE_BUDGET.toNanos();
        for (int i = 0; i < pending.size(); i++) {
            if (i > 0 && System.nanoTime() > deadline) {
                log.info("merge budget of {} s used; {} summaries wait for the next punctuation", MERGE_BUDGET.toSeconds(), pending.size() - i);
                break;
            }
            KeyValue<String, SummaryState> kv = pending.get(i);
            SummaryState updated;
            try {
                updated = merge(kv.value, now);
            } catch (StageException.Transient e) {
                log.warn("statistics of {} not updated, will retry: {}", kv.key, e.getMessage());
                continue;
            }
            summaries.put(kv.key, updated);
            context.forward(new Record<>(kv.key, updated.toEvent(), now));
        }
    }

    /** Merges the queued features into the statistics, stores them, computes the distance. */
    private SummaryState merge(SummaryState state, long now) throws StageException.Transient {
        long start = System.nanoTime();
        FeatureStats accumulated = null;
        if (state.stats() != null) {
            try {
                accumulated = stats.take(state.stats());
            } catch (StageException.BadInput e) {
                // Keeping the dead ref would fail every later punctuation and freeze setFid for good.
                log.warn("the statistics of {} cannot be read ({}); the {} videos they held are dropped, fresh statistics start"
                        + " from the {} pending videos", state.key().recordKey(), e.getMessage(), state.featureVideos(),
                        state.pendingFeatures().size());
                state = state.withoutStatistics();
            } catch (StageException.Transient e) {
                throw e;
            } catch (StageException e) {
                throw new IllegalStateException(e);
            }
        }
        int merged = 0;
        int frames = 0;
        for (ArtifactRef ref : state.pendingFeatures()) {
            FeatureStatsStore.VideoFeatures video;
            try {
                video = stats.readVideo(ref);
            } catch (StageException.BadInput e) {
                log.error("{} is left out of the set FID of {}: {}", ref.getUri(), state.key().recordKey(), e.getMessage());
                continue;
            } catch (StageException.Transient e) {
                throw e;
            } catch (StageException e) {
                throw new IllegalStateException(e);
            }
            if (accumulated == null) {
                accumulated = FeatureStats.empty(video.dim());
            }
            if (accumulated.dim() != video.dim()) {
                log.error("{} holds Inception features of dimension {}, the statistics of {} dimension {}; left out of the set FID",
                        ref.getUri(), video.dim(), state.key().recordKey(), accumulated.dim());
                continue;
            }
            accumulated.generated().addAll(video.frames(), video.frameRows());
            accumulated.reference().addAll(video.reference(), video.referenceRows());
            merged++;
            frames += video.frameRows();
        }
        if (merged == 0) {
            return state.withoutPendingFeatures();
        }
        ArtifactRef stored = write(state.key(), state.featureVideos() + merged, accumulated);
        long mergedAt = System.nanoTime();
        Double fid;
        try {
            fid = accumulated.frechetDistance();
        } catch (ArithmeticException e) {
            log.error("the set FID of {} cannot be computed: {}", state.key().recordKey(), e.getMessage());
            fid = null;
        }
        log.info("{}: {} videos ({} frames) merged into {} in {} ms; set FID over {} videos ({} generated, {} reference crops) {} in {} ms",
                state.key().recordKey(), merged, frames, stored.getUri(), (mergedAt - start) / 1_000_000, state.featureVideos() + merged,
                accumulated.generated().count(), accumulated.reference().count(), fid, (System.nanoTime() - mergedAt) / 1_000_000);
        return state.withMergedFeatures(stored, merged, accumulated.generated().count(), accumulated.reference().count(), fid, now);
    }

    private ArtifactRef write(SummaryKey key, long videos, FeatureStats accumulated) throws StageException.Transient {
        try {
            return stats.write(key, videos, accumulated);
        } catch (StageException.Transient e) {
            throw e;
        } catch (StageException e) {
            throw new IllegalStateException("cannot store the statistics of " + key.recordKey() + ": " + e.getMessage(), e);
        }
    }
}
