package dev.idstream.report;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal box-and-strip plot as inline SVG: one row per model version, the box from the first to the third
 * quartile with the median, whiskers to the extremes, every video as a dot and the mean as a diamond. Drawn here in
 * Java so the page needs no script and nothing from the network.
 */
public final class DistributionPlot {

    /** One row: a model version's per-video values (nulls already left out) and its colour. */
    public record Series(String label, double[] values, String colour) {
    }

    private static final int WIDTH = 580;
    private static final int LEFT = 200;
    private static final int RIGHT = 20;
    private static final int TOP = 8;
    private static final int ROW = 34;
    private static final int AXIS = 34;

    private DistributionPlot() {
    }

    public static String svg(String axisLabel, List<Series> series) {
        double[] all = series.stream().flatMapToDouble(s -> Arrays.stream(s.values())).toArray();
        int height = TOP + ROW * Math.max(1, series.size()) + AXIS;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                + "role=\"img\" aria-label=\"%s\" class=\"plot\">", WIDTH, height, WIDTH, height, Html.escape(axisLabel)));
        if (all.length == 0) {
            svg.append(text(WIDTH / 2.0, height / 2.0, "middle", "muted", "not measured for any video"));
            return svg.append("</svg>").toString();
        }
        Axis axis = Axis.covering(Arrays.stream(all).min().orElseThrow(), Arrays.stream(all).max().orElseThrow());
        double plotBottom = TOP + ROW * series.size();
        for (double tick : axis.ticks()) {
            double x = axis.x(tick);
            svg.append(line(x, TOP, x, plotBottom, "grid"));
            svg.append(text(x, plotBottom + 15, "middle", "tick", axis.format(tick)));
        }
        svg.append(line(LEFT, plotBottom, WIDTH - RIGHT, plotBottom, "axis"));
        svg.append(text(LEFT + (WIDTH - LEFT - RIGHT) / 2.0, plotBottom + 30, "middle", "axis-label", axisLabel));
        for (int r = 0; r < series.size(); r++) {
            row(svg, series.get(r), axis, TOP + ROW * r + ROW / 2.0);
        }
        return svg.append("</svg>").toString();
    }

    private static void row(StringBuilder svg, Series s, Axis axis, double cy) {
        svg.append(text(LEFT - 10, cy + 4, "end", "series", truncate(s.label(), 28)));
        double[] v = s.values().clone();
        if (v.length == 0) {
            svg.append(text(LEFT + 6, cy + 4, "start", "muted", "not measured"));
            return;
        }
        Arrays.sort(v);
        double q1 = quantile(v, 0.25);
        double median = quantile(v, 0.5);
        double q3 = quantile(v, 0.75);
        String c = s.colour();
        svg.append(line(axis.x(v[0]), cy, axis.x(v[v.length - 1]), cy, "whisker"));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.18\" stroke=\"%s\" rx=\"2\"/>",
                axis.x(q1), cy - 9, Math.max(1.5, axis.x(q3) - axis.x(q1)), 18.0, c, c));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"/>",
                axis.x(median), cy - 9, axis.x(median), cy + 9, c));
        for (int i = 0; i < s.values().length; i++) {
            // a fixed, evenly spread vertical jitter: the same data always gives the same picture
            double jitter = ((i * 0.618034) % 1.0 - 0.5) * 12;
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.2\" fill=\"%s\" fill-opacity=\"0.75\" stroke=\"white\" stroke-width=\"0.8\">"
                    + "<title>%s</title></circle>", axis.x(s.values()[i]), cy + jitter, c, Html.escape(Numbers.value(s.values()[i]))));
        }
        double mean = Arrays.stream(v).average().orElseThrow();
        double mx = axis.x(mean);
        svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f l5 5 l-5 5 l-5 -5 z\" fill=\"white\" stroke=\"#111827\" stroke-width=\"1.4\">"
                + "<title>mean %s</title></path>", mx, cy - 5, Html.escape(Numbers.value(mean))));
    }

    /** Linear interpolation between order statistics (numpy's default). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String line(double x1, double y1, double x2, double y2, String cls) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>", x1, y1, x2, y2, cls);
    }

    private static String text(double x, double y, String anchor, String cls, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">%s</text>",
                x, y, anchor, cls, Html.escape(content));
    }

    /** A linear axis over round numbers that covers the data. */
    record Axis(double min, double max, double step) {

        static Axis covering(double lo, double hi) {
            if (hi - lo < 1e-12) {
                double pad = Math.abs(lo) > 1e-12 ? Math.abs(lo) * 0.05 : 0.5;
                lo -= pad;
                hi += pad;
            }
            double step = niceStep((hi - lo) / 4);
            return new Axis(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
        }

        private static double niceStep(double raw) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / magnitude;
            double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
            return nice * magnitude;
        }

        double[] ticks() {
            int n = (int) Math.round((max - min) / step);
            double[] t = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                t[i] = min + i * step;
            }
            return t;
        }

        double x(double value) {
            return LEFT + (value - min) / (max - min) * (WIDTH - LEFT - RIGHT);
        }

        /** A tick label with as many decimals as the step has. */
        String format(double value) {
            int decimals = Math.max(0, Math.min(6, new java.math.BigDecimal(Double.toString(step)).stripTrailingZeros().scale()));
            return String.format(Locale.ROOT, "%." + decimals + "f", value);
        }
    }
}
