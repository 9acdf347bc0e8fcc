package dev.idstream.report;

/**
 * One row of the Table 2-like comparison: one model version under one evaluator. A null {@link ScoreStats} or
 * {@code setFid} means "not measured" and is shown as such, never as 0.
 *
 * @param source where the numbers come from: the streaming aggregate or the report's own computation
 * @param note a discrepancy worth a reader's attention (e.g. the aggregate lags the metrics topic), or null
 */
public record ModelVersionRow(String modelVersion, long videos, long videosWithoutFace, double noFaceRate,
                              ScoreStats rs, ScoreStats ifs, ScoreStats fidPerFrame, ScoreStats fm,
                              ScoreStats fmNormalized, Double setFid, Source source, String note) {

    public enum Source {
        /** {@code MetricsSummary} from the compacted summary topic (has the set-level FID). */
        METRICS_SUMMARY,
        /** computed by the report from the {@code VideoMetrics} events (no set-level FID). */
        VIDEO_METRICS
    }
}
