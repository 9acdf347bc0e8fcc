package dev.idstream.report;

import dev.idstream.events.MetricsSummary;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import java.util.List;
import java.util.Map;

/**
 * The events a report is made from, already limited to one evaluation set.
 *
 * @param metrics the set's {@code VideoMetrics} in the order read
 * @param summaries the set's latest {@code MetricsSummary} per key (tombstones removed)
 * @param decoded {@code VideoDecoded} by request id, for reference images and prompts
 * @param warnings what went wrong while reading (e.g. unreadable events skipped), shown at the top of the report
 */
public record ReportInputs(List<VideoMetrics> metrics, List<MetricsSummary> summaries, Map<String, VideoDecoded> decoded,
                           List<String> warnings) {
}
