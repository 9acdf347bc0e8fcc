package dev.idstream.report;

import java.util.List;
import java.util.Map;

/**
 * Everything scored by one evaluator: numbers from different evaluators are never put side by side.
 *
 * @param sharedSettings the settings every video of the section records with the same value
 * @param perVideoSettings names of settings whose value differs between videos (e.g. frames decoded)
 */
public record EvaluatorSection(String evaluator, List<ModelVersionRow> rows, Map<String, String> sharedSettings,
                               List<String> perVideoSettings, List<VideoEntry> videos) {
}
