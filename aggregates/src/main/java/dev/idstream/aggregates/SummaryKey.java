package dev.idstream.aggregates;

import dev.idstream.core.artifacts.Sha256;
import dev.idstream.events.VideoMetrics;
import java.nio.charset.StandardCharsets;

/**
 * What one {@code MetricsSummary} aggregates: the videos of one model version on one evaluation set, scored by one
 * evaluator (numbers of different evaluators are never mixed, DESIGN.md §6). Record key
 * {@code modelVersion|evalSetId|evaluator}. Videos without an evaluation set (ad-hoc requests, the demo) are
 * summarised under the set {@value #NO_EVAL_SET}.
 */
record SummaryKey(String modelVersion, String evalSetId, String evaluator) {

    static final String NO_EVAL_SET = "none";

    static SummaryKey of(VideoMetrics metrics) {
        String set = metrics.getEvalSetId() == null || metrics.getEvalSetId().isBlank() ? NO_EVAL_SET : metrics.getEvalSetId();
        return new SummaryKey(metrics.getModelVersion(), set, metrics.getEvaluator());
    }

    String recordKey() {
        return modelVersion + "|" + evalSetId + "|" + evaluator;
    }

    /**
     * The artifact "request id" under which this summary's statistics are stored
     * ({@code requests/<id>/aggregates/stats-<n>.safetensors}): readable parts plus a hash of the exact key, so two
     * keys that read alike after replacing unsafe characters never share files.
     */
    String artifactId() {
        String readable = ("summary." + safe(modelVersion) + "." + safe(evalSetId) + "." + safe(evaluator));
        if (readable.length() > 170) {
            readable = readable.substring(0, 170);
        }
        return readable + "." + Sha256.hex(recordKey().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private static String safe(String part) {
        return part.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
