package dev.idstream.report;

import dev.idstream.events.VideoMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes an {@link EvalSetReport} as one self-contained HTML page: styles inline, plots as inline SVG, pictures as
 * data: URIs, no script and no URL to fetch. Every string that comes from an event is escaped.
 */
public final class HtmlReportWriter {

    static final List<String> PALETTE = List.of("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#db2777", "#0891b2", "#ca8a04", "#4b5563");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** One distribution plot per score: what it is called, its unit, and how to read it off an event. */
    private record Metric(String title, String axis, Function<VideoMetrics, Double> value) {
    }

    private static final List<Metric> PLOTTED = List.of(
            new Metric("RS — reference similarity", "cosine similarity to the reference (higher: more like the reference)", VideoMetrics::getRs),
            new Metric("IFS — inter-frame similarity", "cosine similarity of consecutive frames", VideoMetrics::getIfs),
            new Metric("Face FID, per-frame", "squared distance of Inception features (lower: closer)", VideoMetrics::getFidPerFrame),
            new Metric("FM — face motion", "pixels per frame inside the face box", VideoMetrics::getFm));

    public String write(EvalSetReport report) {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>IDStream report — ").append(Html.escape(report.evalSetId())).append("</title>\n")
                .append("<style>\n").append(stylesheet()).append("</style>\n</head>\n<body>\n<main>\n");
        header(h, report);
        for (EvaluatorSection section : report.sections()) {
            section(h, section, report.mixesEvaluators());
        }
        paperReference(h);
        h.append("<footer>Written by <code>idstream report</code>. Scores are null (—) when nothing could be measured, "
                + "never 0. Scores from different evaluators are never compared on this page.</footer>\n");
        return h.append("</main>\n</body>\n</html>\n").toString();
    }

    private static void header(StringBuilder h, EvalSetReport report) {
        long videos = report.sections().stream().mapToLong(s -> s.videos().size()).sum();
        long versions = report.sections().stream().flatMap(s -> s.rows().stream()).map(ModelVersionRow::modelVersion).distinct().count();
        h.append("<header>\n<p class=\"kicker\">IDStream evaluation report</p>\n<h1>")
                .append(Html.escape(report.evalSetId())).append("</h1>\n<p class=\"meta\">")
                .append(videos).append(videos == 1 ? " video" : " videos").append(" · ")
                .append(versions).append(versions == 1 ? " model version" : " model versions").append(" · ")
                .append(report.sections().size()).append(report.sections().size() == 1 ? " evaluator" : " evaluators")
                .append(" · generated ").append(WHEN.format(report.generatedAt())).append("</p>\n</header>\n");
        if (report.mixesEvaluators()) {
            h.append("<div class=\"alert danger\" role=\"alert\"><strong>Mixed evaluators — do not compare across sections.</strong> "
                    + "This set was scored by ").append(report.sections().size()).append(" different evaluators: ");
            List<String> parts = new ArrayList<>();
            for (EvaluatorSection s : report.sections()) {
                parts.add("<code>" + Html.escape(s.evaluator()) + "</code> (" + s.videos().size() + " videos)");
            }
            h.append(String.join(", ", parts)).append(". Their numbers are not comparable, so each evaluator has its own "
                    + "section, table and plots below.</div>\n");
        }
        for (String note : report.notes()) {
            h.append("<div class=\"alert note\">").append(Html.escape(note)).append("</div>\n");
        }
    }

    private static void section(StringBuilder h, EvaluatorSection s, boolean mixed) {
        Map<String, String> colours = colours(s);
        h.append("<section class=\"evaluator\">\n<h2><span class=\"muted\">Evaluator</span> <code>")
                .append(Html.escape(s.evaluator())).append("</code>");
        if (mixed) {
            h.append(" <span class=\"badge danger\">separate evaluator</span>");
        }
        h.append("</h2>\n");
        scoreTable(h, s, colours);
        distributions(h, s, colours);
        settings(h, s);
        videos(h, s, colours);
        h.append("</section>\n");
    }

    private static void scoreTable(StringBuilder h, EvaluatorSection s, Map<String, String> colours) {
        h.append("<h3>Scores by model version</h3>\n<div class=\"table-wrap\"><table class=\"scores\">\n<thead><tr>"
                + "<th class=\"left\">Model version</th><th>Videos</th><th>No-face rate</th><th>RS ↑</th><th>IFS</th>"
                + "<th>Face FID<br><small>per-frame ↓</small></th><th>Set FID ↓</th><th>FM<br><small>px / frame</small></th>"
                + "<th>FM<br><small>normalised</small></th></tr></thead>\n<tbody>\n");
        for (ModelVersionRow r : s.rows()) {
            h.append("<tr><td class=\"left version\">").append(chip(r.modelVersion(), colours.get(r.modelVersion())))
                    .append("<span class=\"source\">").append(r.source() == ModelVersionRow.Source.METRICS_SUMMARY
                            ? "from the streaming aggregate" : "computed from VideoMetrics").append("</span>");
            if (r.note() != null) {
                h.append("<span class=\"warn\">").append(Html.escape(r.note())).append("</span>");
            }
            h.append("</td>")
                    .append("<td>").append(r.videos()).append("</td>")
                    .append("<td>").append(Numbers.percent(r.noFaceRate()))
                    .append("<small class=\"muted\"> (").append(r.videosWithoutFace()).append(")</small></td>")
                    .append(statCell(r.rs())).append(statCell(r.ifs())).append(statCell(r.fidPerFrame()))
                    .append(setFidCell(r)).append(statCell(r.fm())).append(statCell(r.fmNormalized()))
                    .append("</tr>\n");
        }
        h.append("</tbody></table></div>\n<p class=\"legend\">Mean ± sample standard deviation over the videos that have "
                + "the score; videos without any face are counted in the no-face rate and left out of the means. "
                + "— : not measured. n/a : no streaming aggregate, so no set-level FID. FM normalised: per-frame face "
                + "motion divided by the face-box diagonal.</p>\n");
    }

    private static String statCell(ScoreStats stat) {
        if (stat == null) {
            return "<td class=\"num\"><span class=\"muted\" title=\"not measured\">" + Numbers.NOT_MEASURED + "</span></td>";
        }
        return "<td class=\"num\" title=\"n=" + stat.n() + ", min " + Numbers.value(stat.min()) + ", max "
                + Numbers.value(stat.max()) + "\">" + Numbers.value(stat.mean())
                + "<span class=\"sd\"> ± " + Numbers.spread(stat.mean(), stat.stddev()) + "</span></td>";
    }

    private static String setFidCell(ModelVersionRow r) {
        if (r.source() == ModelVersionRow.Source.VIDEO_METRICS) {
            return "<td class=\"num\"><span class=\"muted\" title=\"no MetricsSummary for this version\">n/a</span></td>";
        }
        return "<td class=\"num\">" + (r.setFid() == null ? "<span class=\"muted\" title=\"not measured\">—</span>" : Numbers.value(r.setFid())) + "</td>";
    }

    private static void distributions(StringBuilder h, EvaluatorSection s, Map<String, String> colours) {
        h.append("<h3>Distributions over videos</h3>\n<p class=\"legend\">One dot per video; box: quartiles with the median; "
                + "line: range; ◇ mean. Videos without the score are left out.</p>\n<div class=\"plots\">\n");
        for (Metric metric : PLOTTED) {
            List<DistributionPlot.Series> series = new ArrayList<>();
            for (ModelVersionRow r : s.rows()) {
                double[] values = s.videos().stream().map(VideoEntry::metrics)
                        .filter(m -> m.getModelVersion().equals(r.modelVersion()))
                        .map(metric.value()).filter(v -> v != null && !v.isNaN())
                        .mapToDouble(Double::doubleValue).toArray();
                series.add(new DistributionPlot.Series(r.modelVersion(), values, colours.get(r.modelVersion())));
            }
            h.append("<figure><figcaption>").append(Html.escape(metric.title())).append("</figcaption>")
                    .append(DistributionPlot.svg(metric.axis(), series)).append("</figure>\n");
        }
        h.append("</div>\n");
    }

    private static void settings(StringBuilder h, EvaluatorSection s) {
        h.append("<h3>Evaluator settings</h3>\n<p class=\"legend\">Recorded by the metrics stage with every score; "
                + "numbers are only comparable under the same evaluator and settings.</p>\n<table class=\"kv\"><tbody>\n");
        h.append("<tr><th>evaluator</th><td><code>").append(Html.escape(s.evaluator())).append("</code></td></tr>\n");
        for (Map.Entry<String, String> e : s.sharedSettings().entrySet()) {
            h.append("<tr><th>").append(Html.escape(e.getKey())).append("</th><td>").append(Html.escape(e.getValue())).append("</td></tr>\n");
        }
        if (!s.perVideoSettings().isEmpty()) {
            h.append("<tr><th>varies per video</th><td>");
            h.append(String.join(", ", s.perVideoSettings().stream().map(k -> "<code>" + Html.escape(k) + "</code>").toList()));
            h.append(" (shown with each video)</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void videos(StringBuilder h, EvaluatorSection s, Map<String, String> colours) {
        h.append("<h3>Videos</h3>\n<p class=\"legend\">The frames the scores were computed on: the face box each frame "
                + "was scored with (green) and its reference similarity, or <span class=\"bad\">no face</span> (red), "
                + "beside the reference image.</p>\n");
        for (VideoEntry v : s.videos()) {
            VideoMetrics m = v.metrics();
            h.append("<article class=\"video\">\n<div class=\"video-head\">")
                    .append(chip(m.getModelVersion(), colours.get(m.getModelVersion())));
            if (m.getLabel() != null) {
                h.append(" <strong>").append(Html.escape(m.getLabel())).append("</strong>");
            }
            h.append(" <code class=\"muted\">").append(Html.escape(m.getRequestId())).append("</code>")
                    .append(" <span class=\"badge\">").append(Html.escape(String.valueOf(m.getOrigin()))).append("</span></div>\n");
            if (v.prompt() != null) {
                h.append("<p class=\"prompt\">“").append(Html.escape(v.prompt())).append("”</p>\n");
            }
            h.append("<dl class=\"video-scores\">");
            Map<String, String> scores = new LinkedHashMap<>();
            scores.put("RS", Numbers.value(m.getRs()));
            scores.put("IFS", Numbers.value(m.getIfs()));
            scores.put("FID per-frame", Numbers.value(m.getFidPerFrame()));
            scores.put("FM px/frame", Numbers.value(m.getFm()));
            scores.put("FM normalised", Numbers.value(m.getFmNormalized()));
            scores.put("frames scored", m.getFramesScored() + " / " + m.getFramesSampled());
            scores.put("without face", Integer.toString(m.getFramesWithoutFace()));
            scores.forEach((k, val) -> h.append("<div><dt>").append(k).append("</dt><dd")
                    .append(Numbers.NOT_MEASURED.equals(val) ? " class=\"muted\" title=\"not measured\"" : "").append(">")
                    .append(val).append("</dd></div>"));
            for (String key : s.perVideoSettings()) {
                h.append("<div class=\"setting\"><dt>").append(Html.escape(key)).append("</dt><dd>")
                        .append(Html.escape(m.getSettings().getOrDefault(key, "—"))).append("</dd></div>");
            }
            h.append("</dl>\n<div class=\"media\">");
            h.append("<figure class=\"reference\">").append(image(v.referenceThumbnail(), "reference image"))
                    .append("<figcaption>reference</figcaption></figure>");
            h.append("<figure class=\"sheet\">").append(image(v.contactSheet(), "sampled frames with face boxes"))
                    .append("<figcaption>sampled frames</figcaption></figure></div>\n");
            if (v.mediaProblem() != null) {
                h.append("<p class=\"warn\">").append(Html.escape(v.mediaProblem())).append("</p>\n");
            }
            h.append("</article>\n");
        }
    }

    private static String image(byte[] jpeg, String alt) {
        if (jpeg == null) {
            return "<div class=\"missing\">not available</div>";
        }
        return "<img alt=\"" + alt + "\" src=\"data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg) + "\">";
    }

    private static void paperReference(StringBuilder h) {
        h.append("<section class=\"paper\">\n<h2>Paper reference values <span class=\"badge warn-badge\">not comparable</span></h2>\n"
                + "<p>The FantasyID paper's Table 2, for orientation only. It was measured with the paper's evaluator, "
                + "not ours: the default IDStream evaluator uses the 128-d dlib ResNet identity model and FID-like "
                + "Inception features, so these numbers cannot be compared with the tables above.</p>\n"
                + "<table class=\"scores paper-table\"><thead><tr><th class=\"left\">Method (paper)</th><th>RS</th><th>IFS</th>"
                + "<th>FID</th><th>FM</th></tr></thead><tbody>\n");
        for (PaperReference.Row r : PaperReference.TABLE_2) {
            // printed as the paper prints them, with no precision they do not have
            h.append("<tr><td class=\"left\">").append(Html.escape(r.method())).append("</td><td class=\"num\">")
                    .append(Double.toString(r.rs())).append("</td><td class=\"num\">").append(Double.toString(r.ifs()))
                    .append("</td><td class=\"num\">").append(Double.toString(r.fid())).append("</td><td class=\"num\">")
                    .append(Double.toString(r.fm())).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n</section>\n");
    }

    private static String chip(String version, String colour) {
        return "<span class=\"chip\"><span class=\"dot\" style=\"background:" + (colour == null ? "#6b7280" : colour)
                + "\"></span>" + Html.escape(version) + "</span>";
    }

    /** The same colour for a model version in the table, the plots and the video rows. */
    private static Map<String, String> colours(EvaluatorSection s) {
        Map<String, String> colours = new LinkedHashMap<>();
        for (ModelVersionRow r : s.rows()) {
            colours.put(r.modelVersion(), PALETTE.get(colours.size() % PALETTE.size()));
        }
        return colours;
    }

    private static String stylesheet() {
        try (InputStream in = HtmlReportWriter.class.getResourceAsStream("report.css")) {
            if (in == null) {
                throw new IllegalStateException("report.css is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read report.css", e);
        }
    }
}
