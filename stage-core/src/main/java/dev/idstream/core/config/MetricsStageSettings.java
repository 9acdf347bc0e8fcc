package dev.idstream.core.config;

import dev.idstream.core.Topics;
import java.util.regex.Pattern;

/**
 * Which videos a metrics deployment scores and how many frames it samples ({@code metrics.*} keys).
 *
 * <p>The pipeline's own metrics stage reads {@code idstream.videos.v1}. A re-scoring deployment names an evaluator
 * {@code E}: it reads {@code idstream.videos.E.v1} (what {@code ./idstream replay --videos --evaluator E} writes) and
 * runs as stage {@code metrics-E}, so its consumer group, transactional ids and artifacts never collide with the
 * pipeline's. Its {@code VideoMetrics} go to the same metrics topic and name their evaluator bundle.
 *
 * @param evaluator     {@code metrics.evaluator}: the re-scoring deployment's name, or null for the pipeline's own stage
 * @param sampledFrames {@code metrics.sampled.frames}: N of {@code linspace(0, F-1, N)} for RS, IFS and FID
 */
public record MetricsStageSettings(String evaluator, int sampledFrames) {

    public static final int DEFAULT_SAMPLED_FRAMES = 16;
    private static final Pattern EVALUATOR = Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");

    public MetricsStageSettings {
        if (evaluator != null && !EVALUATOR.matcher(evaluator).matches()) {
            throw new IllegalArgumentException("metrics.evaluator must be 1-48 of a-z, 0-9 and '-' (it becomes part of a topic "
                    + "and consumer group name), was '" + evaluator + "'");
        }
        if (sampledFrames < 2) {
            throw new IllegalArgumentException("metrics.sampled.frames must be at least 2 (IFS needs two frames), was " + sampledFrames);
        }
    }

    public static MetricsStageSettings defaults() {
        return new MetricsStageSettings(null, DEFAULT_SAMPLED_FRAMES);
    }

    /** {@code idstream.videos.v1} for the pipeline's own stage, {@code idstream.videos.E.v1} for evaluator E. */
    public String inputTopic() {
        return evaluator == null ? Topics.VIDEOS : Topics.videosFor(evaluator);
    }

    /** {@code metrics}, or {@code metrics-E}: the name in group ids, transactional ids and artifact keys. */
    public String stageName() {
        return evaluator == null ? "metrics" : "metrics-" + evaluator;
    }

    /** The re-scoring deployment for {@code evaluator} (validated: a bad name is an {@link IllegalArgumentException}). */
    public static MetricsStageSettings forEvaluator(String evaluator) {
        return new MetricsStageSettings(evaluator, DEFAULT_SAMPLED_FRAMES);
    }
}
