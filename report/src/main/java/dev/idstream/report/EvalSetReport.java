package dev.idstream.report;

import java.time.Instant;
import java.util.List;

/**
 * The report of one evaluation set: one section per evaluator (more than one is a warning in itself).
 *
 * @param notes facts about the data the reader should know first (e.g. no streaming aggregate found)
 */
public record EvalSetReport(String evalSetId, Instant generatedAt, List<EvaluatorSection> sections, List<String> notes) {

    public boolean mixesEvaluators() {
        return sections.size() > 1;
    }
}
