package dev.idstream.report;

import java.util.List;

/**
 * Count, mean, spread and range of one score over the videos of a model version. The spread is the sample standard
 * deviation (n − 1), 0 for a single video.
 */
public record ScoreStats(long n, double mean, double stddev, double min, double max) {

    /** The statistics of the values, or null when there are none (a score nobody measured has no mean). */
    public static ScoreStats of(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / values.size();
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double stddev = values.size() > 1 ? Math.sqrt(squares / (values.size() - 1)) : 0;
        return new ScoreStats(values.size(), mean, stddev, min, max);
    }

    /** From a {@code MetricsSummary} field; null stays null. */
    public static ScoreStats of(dev.idstream.events.Stat stat) {
        return stat == null ? null : new ScoreStats(stat.getN(), stat.getMean(), stat.getStddev(), stat.getMin(), stat.getMax());
    }
}
