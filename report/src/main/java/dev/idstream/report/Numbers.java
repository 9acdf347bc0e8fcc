package dev.idstream.report;

import java.util.Locale;

/** How scores are printed: a fixed number of decimals per magnitude, "—" for "not measured". */
final class Numbers {

    static final String NOT_MEASURED = "—";

    private Numbers() {
    }

    /** 3 decimals below 10 (similarities, motion), 1 decimal above (FID-scale distances); null is "—". */
    static String value(Double v) {
        if (v == null || v.isNaN()) {
            return NOT_MEASURED;
        }
        return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.3f" : "%.1f", v);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
