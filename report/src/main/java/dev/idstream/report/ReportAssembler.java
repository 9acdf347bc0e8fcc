package dev.idstream.report;

import dev.idstream.events.MetricsSummary;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Turns the events of one evaluation set into an {@link EvalSetReport}: one section per evaluator, one row per model
 * version, from the streaming aggregate when there is one and from the videos' own scores otherwise.
 */
public final class ReportAssembler {

    private final VideoMedia media;

    public ReportAssembler(VideoMedia media) {
        this.media = Objects.requireNonNull(media, "media");
    }

    /** A video scored twice by one evaluator counts once (its later event). */
    public EvalSetReport assemble(String evalSetId, ReportInputs inputs) {
        List<MetricsSummary> summaries = inputs.summaries();
        Map<String, VideoDecoded> decoded = inputs.decoded();
        Map<String, List<VideoMetrics>> byEvaluator = new TreeMap<>();
        for (VideoMetrics m : latestPerVideoAndEvaluator(inputs.metrics())) {
            byEvaluator.computeIfAbsent(m.getEvaluator(), e -> new ArrayList<>()).add(m);
        }
        Map<String, List<MetricsSummary>> summariesByEvaluator = new TreeMap<>();
        for (MetricsSummary s : summaries) {
            summariesByEvaluator.computeIfAbsent(s.getEvaluator(), e -> new ArrayList<>()).add(s);
            byEvaluator.putIfAbsent(s.getEvaluator(), new ArrayList<>());
        }
        List<EvaluatorSection> sections = new ArrayList<>();
        byEvaluator.forEach((evaluator, videos) -> sections.add(
                section(evaluator, videos, summariesByEvaluator.getOrDefault(evaluator, List.of()), decoded)));
        List<String> notes = new ArrayList<>(inputs.warnings());
        if (summaries.isEmpty()) {
            notes.add("No MetricsSummary for this set in the summary topic: the table is computed from the VideoMetrics "
                    + "events, and the set-level FID is n/a.");
        }
        return new EvalSetReport(evalSetId, Instant.now(), sections, notes);
    }

    private EvaluatorSection section(String evaluator, List<VideoMetrics> videos, List<MetricsSummary> summaries,
                                     Map<String, VideoDecoded> decoded) {
        Map<String, List<VideoMetrics>> byVersion = new TreeMap<>();
        videos.forEach(v -> byVersion.computeIfAbsent(v.getModelVersion(), k -> new ArrayList<>()).add(v));
        Map<String, MetricsSummary> summaryByVersion = new TreeMap<>();
        summaries.forEach(s -> summaryByVersion.put(s.getModelVersion(), s));
        TreeSet<String> versions = new TreeSet<>(byVersion.keySet());
        versions.addAll(summaryByVersion.keySet());
        List<ModelVersionRow> rows = new ArrayList<>();
        for (String version : versions) {
            rows.add(row(version, byVersion.getOrDefault(version, List.of()), summaryByVersion.get(version)));
        }
        List<VideoEntry> entries = videos.stream()
                .sorted(Comparator.comparing(VideoMetrics::getModelVersion)
                        .thenComparing(v -> v.getLabel() == null ? "" : v.getLabel())
                        .thenComparing(VideoMetrics::getRequestId))
                .map(v -> media.entry(v, decoded.get(v.getRequestId())))
                .toList();
        Map<String, String> shared = new LinkedHashMap<>();
        List<String> perVideo = new ArrayList<>();
        splitSettings(videos, shared, perVideo);
        return new EvaluatorSection(evaluator, rows, shared, perVideo, entries);
    }

    static ModelVersionRow row(String version, List<VideoMetrics> videos, MetricsSummary summary) {
        ScoreStats fmNormalized = stats(videos, VideoMetrics::getFmNormalized);
        if (summary == null) {
            long withoutFace = videos.stream().filter(v -> v.getFramesScored() == 0).count();
            return new ModelVersionRow(version, videos.size(), withoutFace,
                    videos.isEmpty() ? 0 : (double) withoutFace / videos.size(),
                    stats(videos, VideoMetrics::getRs), stats(videos, VideoMetrics::getIfs),
                    stats(videos, VideoMetrics::getFidPerFrame), stats(videos, VideoMetrics::getFm), fmNormalized,
                    null, ModelVersionRow.Source.VIDEO_METRICS, null);
        }
        String note = summary.getVideos() == videos.size() ? null
                : "the streaming aggregate counts " + summary.getVideos() + " videos, the metrics topic holds "
                + videos.size() + " for this version (the aggregate may still be catching up)";
        return new ModelVersionRow(version, summary.getVideos(), summary.getVideosWithoutFace(), summary.getNoFaceRate(),
                ScoreStats.of(summary.getRs()), ScoreStats.of(summary.getIfs()), ScoreStats.of(summary.getFidPerFrame()),
                ScoreStats.of(summary.getFm()), fmNormalized, summary.getSetFid(), ModelVersionRow.Source.METRICS_SUMMARY, note);
    }

    private static ScoreStats stats(List<VideoMetrics> videos, Function<VideoMetrics, Double> score) {
        return ScoreStats.of(videos.stream().map(score).filter(Objects::nonNull).toList());
    }

    /** Settings with one value across the section are shown once; the others are named as varying per video. */
    private static void splitSettings(List<VideoMetrics> videos, Map<String, String> shared, List<String> perVideo) {
        TreeSet<String> keys = new TreeSet<>();
        videos.forEach(v -> keys.addAll(v.getSettings().keySet()));
        // keep the metrics stage's own order (it lists the settings in reading order), unknown keys after
        List<String> ordered = new ArrayList<>(videos.isEmpty() ? List.of() : videos.get(0).getSettings().keySet());
        keys.stream().filter(k -> !ordered.contains(k)).forEach(ordered::add);
        for (String key : ordered) {
            List<String> values = videos.stream().map(v -> v.getSettings().get(key)).distinct().toList();
            if (values.size() == 1 && values.get(0) != null) {
                shared.put(key, values.get(0));
            } else {
                perVideo.add(key);
            }
        }
    }

    /** A video re-scored by the same evaluator (a replay) counts once: its latest event. */
    private static List<VideoMetrics> latestPerVideoAndEvaluator(List<VideoMetrics> metrics) {
        Map<String, VideoMetrics> latest = new LinkedHashMap<>();
        for (VideoMetrics m : metrics) {
            latest.merge(m.getRequestId() + "|" + m.getEvaluator(), m,
                    (a, b) -> b.getCreatedAt().isBefore(a.getCreatedAt()) ? a : b);
        }
        return List.copyOf(latest.values());
    }
}
