package dev.idstream.core.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Formats a failure's technical detail for {@code StageFailed.detail}: the whole stack trace with causes, bounded in size. */
final class ExceptionChain {

    /** Keeps a failure event small; the top of the chain and the first causes are what an operator needs. */
    static final int MAX_CHARS = 16_000;

    private ExceptionChain() {}

    static String detail(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "\n... (" + (text.length() - MAX_CHARS) + " more characters)";
    }

    /** "Type: message" of each exception in the chain, joined; short enough for a log line or a message. */
    static String summary(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (b.length() > 0) {
                b.append(" <- ");
            }
            b.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return b.toString();
    }
}
