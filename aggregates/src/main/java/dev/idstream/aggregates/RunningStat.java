package dev.idstream.aggregates;

import dev.idstream.events.Stat;

/**
 * Count, mean, spread, min and max of one score over videos, updated one value at a time with Welford's algorithm
 * (mean and sum of squared deviations M2), which does not lose digits the way Σx² − n·mean² does. Immutable.
 */
record RunningStat(long n, double mean, double m2, double min, double max) {

    static final RunningStat EMPTY = new RunningStat(0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

    /** A null score (nothing measured) leaves the statistic as it is: it is never counted as 0. */
    RunningStat add(Double value) {
        if (value == null || value.isNaN()) {
            return this;
        }
        long count = n + 1;
        double delta = value - mean;
        double newMean = mean + delta / count;
        return new RunningStat(count, newMean, m2 + delta * (value - newMean), Math.min(min, value), Math.max(max, value));
    }

    /** Sample standard deviation (n − 1 in the denominator); 0 for a single value. */
    double stddev() {
        return n < 2 ? 0 : Math.sqrt(m2 / (n - 1));
    }

    /** The event's {@code Stat}; null when no video had this score. */
    Stat toEvent() {
        if (n == 0) {
            return null;
        }
        return Stat.newBuilder().setN(n).setMean(mean).setStddev(stddev()).setMin(min).setMax(max).build();
    }
}
