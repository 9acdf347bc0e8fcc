package dev.idstream.core;

import java.util.List;

/** Topic names (DESIGN.md §2). Versioned so a breaking change gets a new topic, not a broken consumer. */
public final class Topics {
    public static final String REQUESTS = "idstream.requests.v1";
    public static final String FACES = "idstream.faces.v1";
    public static final String TOKENS = "idstream.tokens.v1";
    public static final String LATENTS = "idstream.latents.v1";
    public static final String VIDEOS = "idstream.videos.v1";
    public static final String METRICS = "idstream.metrics.v1";
    public static final String PROGRESS = "idstream.progress.v1";
    public static final String FAILURES = "idstream.failures.v1";
    public static final String METRICS_SUMMARY = "idstream.metrics-summary.v1";
    public static final String STATUS = "idstream.status.v1";

    /** Topics whose records are the latest state per key: log-compacted. */
    public static final List<String> COMPACTED = List.of(METRICS_SUMMARY, STATUS);

    public static final List<String> ALL = List.of(
            REQUESTS, FACES, TOKENS, LATENTS, VIDEOS, METRICS, PROGRESS, FAILURES, METRICS_SUMMARY, STATUS);

    /**
     * The input topic of a re-scoring metrics deployment for evaluator {@code evaluator}: {@code idstream.videos.<evaluator>.v1},
     * filled by {@code ./idstream replay --videos --evaluator <evaluator>} (see {@code MetricsStageSettings}).
     */
    public static String videosFor(String evaluator) {
        return "idstream.videos." + evaluator + ".v1";
    }

    private Topics() {}
}
