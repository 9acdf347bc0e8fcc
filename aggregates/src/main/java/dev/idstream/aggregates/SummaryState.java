package dev.idstream.aggregates;

import dev.idstream.events.ArtifactRef;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.VideoMetrics;
import java.time.Instant;

/**
 * The running aggregate of one {@link SummaryKey}, as kept in the Streams state store (serialised by
 * {@link SummaryStateSerde}). The Inception statistics themselves (two D×D float64 matrices, 64 MB at D = 2048, too big
 * for a changelog record) live in S3; the state keeps only their {@link ArtifactRef} and counts.
 *
 * @param featureVideos videos whose Inception features are in {@code stats} (names the next statistics file)
 * @param setFid the set-level Fréchet distance last computed, null before the first computation or below 2 samples a side
 * @param setFidVideos the number of videos whose features that {@code setFid} covers
 * @param setFidStale true when features were added since {@code setFid} was computed
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
        long generatedSamples,
        long referenceSamples,
        Double setFid,
        long setFidVideos,
        long setFidGeneratedSamples,
        long setFidReferenceSamples,
        boolean setFidStale) {

    static SummaryState empty(SummaryKey key) {
        return new SummaryState(key, 0, 0, 0, RunningStat.EMPTY, RunningStat.EMPTY, RunningStat.EMPTY, RunningStat.EMPTY,
                0, null, 0, 0, null, 0, 0, 0, false);
    }

    /** Counts and per-video score statistics; null scores are left out. A video without any face counts as such. */
    SummaryState withScores(VideoMetrics m, long atMillis) {
        boolean noFace = m.getFramesScored() == 0;
        return new SummaryState(key, atMillis, videos + 1, videosWithoutFace + (noFace ? 1 : 0),
                rs.add(m.getRs()), ifs.add(m.getIfs()), fm.add(m.getFm()), fidPerFrame.add(m.getFidPerFrame()),
                featureVideos, stats, generatedSamples, referenceSamples,
                setFid, setFidVideos, setFidGeneratedSamples, setFidReferenceSamples, setFidStale);
    }

    SummaryState withFeatureStats(ArtifactRef newStats, long generated, long reference) {
        return new SummaryState(key, updatedAtMillis, videos, videosWithoutFace, rs, ifs, fm, fidPerFrame,
                featureVideos + 1, newStats, generated, reference,
                setFid, setFidVideos, setFidGeneratedSamples, setFidReferenceSamples, true);
    }

    SummaryState withSetFid(Double fid, long atMillis) {
        return new SummaryState(key, atMillis, videos, videosWithoutFace, rs, ifs, fm, fidPerFrame,
                featureVideos, stats, generatedSamples, referenceSamples,
                fid, featureVideos, generatedSamples, referenceSamples, false);
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
