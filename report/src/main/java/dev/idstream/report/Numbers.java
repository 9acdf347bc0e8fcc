package dev.idstream.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** How scores are printed: a fixed number of decimals per magnitude, "—" for "not measured". */
final class Numbers {

    static final String NOT_MEASURED = "—";

    private Numbers() {
    }

    /**
     * 1 decimal from 10 up (FID-scale distances), 3 decimals from 0.1 (similarities, motion), 3 significant digits
     * below (normalised motion); null is "—".
     */
    static String value(Double v) {
        if (v == null || v.isNaN()) {
            return NOT_MEASURED;
        }
        double a = Math.abs(v);
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 0.1 || a == 0) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return new BigDecimal(v).round(new MathContext(3)).toPlainString();
    }

    /** "mean ± sd" parts: the spread with as many decimals as the mean, so the two line up. */
    static String spread(double mean, double stddev) {
        String m = value(mean);
        int dot = m.indexOf('.');
        int decimals = dot < 0 ? 0 : m.length() - dot - 1;
        return String.format(Locale.ROOT, "%." + decimals + "f", stddev);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
