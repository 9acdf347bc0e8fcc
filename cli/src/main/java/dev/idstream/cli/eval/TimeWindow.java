package dev.idstream.cli.eval;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Record timestamps {@code [from, to)} to replay; either end may be open (null). Times are ISO-8601 instants
 * ({@code 2026-11-21T07:00:00Z}) or epoch milliseconds.
 */
public record TimeWindow(Instant from, Instant to) {

    public static final TimeWindow ALL = new TimeWindow(null, null);

    public TimeWindow {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("--from " + from + " must be before --to " + to);
        }
    }

    public static TimeWindow parse(String from, String to) {
        return new TimeWindow(instant("--from", from), instant("--to", to));
    }

    public boolean contains(long timestampMillis) {
        return (from == null || timestampMillis >= from.toEpochMilli()) && (to == null || timestampMillis < to.toEpochMilli());
    }

    @Override
    public String toString() {
        return "[" + (from == null ? "the beginning" : from) + ", " + (to == null ? "now" : to) + ")";
    }

    private static Instant instant(String option, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        if (t.matches("\\d{1,15}")) {
            return Instant.ofEpochMilli(Long.parseLong(t));
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a time: give an ISO-8601 instant such as "
                    + "2026-11-21T07:00:00Z, or epoch milliseconds");
        }
    }
}
