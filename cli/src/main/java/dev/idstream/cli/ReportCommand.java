package dev.idstream.cli;

import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.report.ArtifactVideoMedia;
import dev.idstream.report.EvalSetReport;
import dev.idstream.report.EvaluatorSection;
import dev.idstream.report.HtmlReportWriter;
import dev.idstream.report.ReportAssembler;
import dev.idstream.report.ReportEvents;
import dev.idstream.report.ReportInputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The evaluation report of one set as one self-contained HTML page (README: "Evaluation report"). */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Write a self-contained HTML report of an evaluation set: scores by model "
        + "version, their distributions, every video's sampled frames with the face boxes, the evaluator settings.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--eval-set", required = true, paramLabel = "S", description = "Evaluation set id (VideoMetrics.evalSetId).")
    String evalSetId;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "report.html", description = "Where to write the page (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "Longest wait to read one topic to its end (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        Logging.quiet();
        StageConfig config = connection.load();
        ReportInputs inputs = new ReportEvents(config.kafka().clientConfig(), new ConfluentEventSerde(config.registry()),
                Duration.ofSeconds(timeoutSeconds)).read(evalSetId);
        if (inputs.metrics().isEmpty() && inputs.summaries().isEmpty()) {
            System.err.println("idstream: no VideoMetrics and no MetricsSummary for evaluation set '" + evalSetId
                    + "': nothing to report (is the set id right, and has the metrics stage scored its videos?)");
            inputs.warnings().forEach(w -> System.err.println("  " + w));
            return 3;
        }
        EvalSetReport report;
        // read-only: a report never creates the bucket
        try (S3ArtifactStore artifacts = S3ArtifactStore.open(config.s3(), S3ArtifactStore.Options.defaults().withCreateBucket(false))) {
            report = new ReportAssembler(ArtifactVideoMedia.standard(artifacts, config.limits())).assemble(evalSetId, inputs);
        }
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Files.writeString(target, new HtmlReportWriter().write(report), StandardCharsets.UTF_8);
        print(report, target);
        return 0;
    }

    private static void print(EvalSetReport report, Path target) throws Exception {
        for (EvaluatorSection s : report.sections()) {
            long missing = s.videos().stream().filter(v -> v.mediaProblem() != null).count();
            System.out.println("evaluator " + s.evaluator() + ": " + s.rows().size() + " model version(s), "
                    + s.videos().size() + " video(s)" + (missing > 0 ? ", " + missing + " with missing pictures (see the page)" : ""));
        }
        if (report.mixesEvaluators()) {
            System.out.println("WARNING: the set was scored by " + report.sections().size()
                    + " different evaluators; the report keeps them in separate sections: do not compare across them");
        }
        report.notes().forEach(n -> System.out.println("note: " + n));
        System.out.println("report written to " + target + " (" + Files.size(target) / 1024 + " KiB)");
    }
}
