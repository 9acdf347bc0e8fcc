package dev.idstream.core.runtime;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A W3C trace context ({@code traceparent} = {@code 00-<trace id>-<span id>-<flags>}). Each stage continues the
 * trace of its input with a new span of its own, so a request's hops line up in any W3C-aware tracing backend.
 */
public record TraceContext(String traceId, String spanId, String flags) {

    /** The Kafka header that carries the traceparent on every record the runtime produces. */
    public static final String HEADER = "traceparent";

    private static final Pattern TRACEPARENT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String INVALID_TRACE_ID = "0".repeat(32);
    private static final String INVALID_SPAN_ID = "0".repeat(16);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Parses a traceparent; empty when absent or malformed (version ff and all-zero ids are invalid per the spec). */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        Matcher m = TRACEPARENT.matcher(traceparent.trim());
        if (!m.matches() || m.group(1).equals("ff") || m.group(2).equals(INVALID_TRACE_ID) || m.group(3).equals(INVALID_SPAN_ID)) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(m.group(2), m.group(3), m.group(4)));
    }

    /** A new sampled trace, for a request that arrives without one. */
    public static TraceContext newRoot() {
        return new TraceContext(randomHex(16), randomHex(8), "01");
    }

    /** A new span in the same trace, with this span as its parent. */
    public TraceContext child() {
        return new TraceContext(traceId, randomHex(8), flags);
    }

    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    @Override
    public String toString() {
        return traceparent();
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        do {
            RANDOM.nextBytes(b);
        } while (isAllZero(b));
        return HexFormat.of().formatHex(b);
    }

    private static boolean isAllZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
