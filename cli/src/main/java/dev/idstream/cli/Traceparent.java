package dev.idstream.cli;

import java.security.SecureRandom;
import java.util.HexFormat;

/** A new W3C trace context (version 00, sampled) for a request that starts here. */
public final class Traceparent {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Traceparent() {}

    public static String newRoot() {
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        RANDOM.nextBytes(trace);
        RANDOM.nextBytes(span);
        return "00-" + HexFormat.of().formatHex(trace) + "-" + HexFormat.of().formatHex(span) + "-01";
    }
}
