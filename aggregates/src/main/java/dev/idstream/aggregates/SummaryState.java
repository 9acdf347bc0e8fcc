package dev.idstream.aggregates;

import dev.idstream.events.ArtifactRef;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.VideoMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The running aggregate of one {@link SummaryKey}, as kept in the Streams state store (serialised by
 * {@link SummaryStateSerde}). The Inception statistics themselves (two D×D float64 matrices, 64 MB at D = 2048, too big
 * for a changelog record) live in S3; the state keeps only their {@link ArtifactRef} and counts, plus the feature
 * artifacts of the videos that arrived since the statistics were last updated.
 *
 * @param featureVideos videos whose Inception features are in {@code stats} (names the next statistics file)
 * @param pendingFeatures feature artifacts of videos counted but not yet merged into {@code stats}, in arrival order
 * @param setFid the set-level Fréchet distance of {@code stats}, null while a side has fewer than 2 samples
 * @param setFidVideos the number of videos whose features that {@code setFid} covers
 */
record SummaryState(
        SummaryKey key,
        long updatedAtMillis,
        long videos,
        long videosWithoutFace,
        RunningStat rs,
        RunningStat ifs,
        RunningStat fm,
        RunningStat fidPerFrame,
        long featureVideos,
        ArtifactRef stats,
        List<ArtifactRef> pendingFeatures,
        Double setFid,
        long setFidVideos,
        long setFidGeneratedSamples,
        long setFidReferenceSamples) {

    SummaryState {
        pendingFeatures = List.copyOf(pendingFeatures);
    }

    static SummaryState empty(SummaryKey key) {
        return new SummaryState(key, 0, 0, 0, RunningStat.EMPTY, RunningStat.EMPTY, RunningStat.EMPTY, RunningStat.EMPTY,
                0, null, List.of(), null, 0, 0, 0);
    }

    /**
     * Counts and per-video score statistics (null scores are left out; a video without any face counts as such), and
     * the video's Inception features queued for the next statistics update.
     */
    SummaryState withVideo(VideoMetrics m, long atMillis) {
        boolean noFace = m.getFramesScored() == 0;
        List<ArtifactRef> pending = pendingFeatures;
        if (m.getInceptionFeatures() != null) {
            pending = new ArrayList<>(pendingFeatures);
            pending.add(m.getInceptionFeatures());
        }
        return new SummaryState(key, atMillis, videos + 1, videosWithoutFace + (noFace ? 1 : 0),
                rs.add(m.getRs()), ifs.add(m.getIfs()), fm.add(m.getFm()), fidPerFrame.add(m.getFidPerFrame()),
                featureVideos, stats, pending, setFid, setFidVideos, setFidGeneratedSamples, setFidReferenceSamples);
    }

    /** After an update of the statistics: {@code merged} more videos in {@code newStats}, and its distance. */
    SummaryState withMergedFeatures(ArtifactRef newStats, long merged, long generated, long reference, Double fid, long atMillis) {
        return new SummaryState(key, atMillis, videos, videosWithoutFace, rs, ifs, fm, fidPerFrame,
                featureVideos + merged, newStats, List.of(), fid, featureVideos + merged, generated, reference);
    }

    /** The pending features could not be used (each reason logged): dropped, the statistics stay as they are. */
    SummaryState withoutPendingFeatures() {
        return new SummaryState(key, updatedAtMillis, videos, videosWithoutFace, rs, ifs, fm, fidPerFrame,
                featureVideos, stats, List.of(), setFid, setFidVideos, setFidGeneratedSamples, setFidReferenceSamples);
    }

    /** The statistics file is lost: start again from no merged video, keeping the last distance until the next one. */
    SummaryState withoutStatistics() {
        return new SummaryState(key, updatedAtMillis, videos, videosWithoutFace, rs, ifs, fm, fidPerFrame,
                0, null, pendingFeatures, setFid, setFidVideos, setFidGeneratedSamples, setFidReferenceSamples);
    }

    MetricsSummary toEvent() {
        return MetricsSummary.newBuilder()
                .setModelVersion(key.modelVersion())
                .setEvalSetId(key.evalSetId())
                .setEvaluator(key.evaluator())
                .setUpdatedAt(Instant.ofEpochMilli(updatedAtMillis))
                .setVideos(videos)
                .setVideosWithoutFace(videosWithoutFace)
                .setNoFaceRate(videos == 0 ? 0 : (double) videosWithoutFace / videos)
                .setRs(rs.toEvent())
                .setIfs(ifs.toEvent())
                .setFm(fm.toEvent())
                .setFidPerFrame(fidPerFrame.toEvent())
                .setSetFid(setFid)
                .setSetFidVideos(setFidVideos)
                .setSetFidGeneratedSamples(setFidGeneratedSamples)
                .setSetFidReferenceSamples(setFidReferenceSamples)
                .build();
    }
}
