package dev.idstream.cli;

import dev.idstream.cli.eval.EvalSet;
import dev.idstream.cli.eval.EvalSetParser;
import dev.idstream.cli.eval.EvaluationRun;
import dev.idstream.cli.eval.ExternalVideoPublisher.Labels;
import dev.idstream.cli.eval.ReferenceImage;
import dev.idstream.cli.eval.VideoFile;
import dev.idstream.core.InputLimits;
import dev.idstream.core.config.StageConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Scores videos made elsewhere (ConsisID, ID-Animator, FantasyID's own code...) on the same terms as generated ones:
 * each goes through Kafka to the metrics stage as {@code VideoDecoded(origin=EXTERNAL)}. Without a cluster it starts
 * the embedded infrastructure and the metrics stage for the run.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Score a video (or every video of an evaluation-set file) against a reference image through "
        + "the metrics stage; without --config or IDSTREAM_* settings, on a freshly started embedded pipeline.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--video", paramLabel = "FILE", description = "The video to score (any format FFmpeg reads).")
    Path video;

    @Option(names = "--reference", paramLabel = "IMAGE", description = "Reference photo of the person (JPEG, PNG or WebP).")
    Path reference;

    @Option(names = "--eval-set-file", paramLabel = "FILE",
            description = "Score the 'video' of every row of this evaluation-set CSV against its 'reference' (see the README).")
    Path evalSetFile;

    @Option(names = "--eval-set", paramLabel = "ID", description = "Evaluation-set id the scores are filed under "
            + "(default with --eval-set-file: the file name without extension).")
    String evalSet;

    @Option(names = "--label", description = "Label of this video (with --eval-set-file: each row's label).")
    String label;

    @Option(names = "--model-version", defaultValue = "external", description = "The system that made the video, e.g. consisid.")
    String modelVersion;

    @Option(names = "--prompt", description = "The prompt the video was made from, if known (with --eval-set-file: each row's prompt).")
    String prompt;

    @Option(names = "--timeout", defaultValue = "1800", description = "Seconds to wait for all scores.")
    long timeoutSeconds;

    @Option(names = "--data-dir", defaultValue = ".idstream/eval", description = "Embedded mode only: emptied and reused on every run.")
    Path dataDir;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Logging.quiet();
        PrintWriter out = spec.commandLine().getOut();
        StageConfig config = connection.given() ? connection.load() : null;
        List<EvaluationRun.Job> jobs = jobs(config == null ? InputLimits.defaults() : config.limits());
        List<EvaluationRun.Result> results;
        if (config != null) {
            results = EvaluationRun.run(config, jobs, Duration.ofSeconds(timeoutSeconds), out);
        } else {
            out.println("no cluster given (--config FILE or IDSTREAM_* variables): starting embedded Kafka, Schema Registry, S3 "
                    + "and the metrics stage for this run ...");
            out.flush();
            try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(DataDirs.fresh(dataDir), List.of("metrics"),
                    EmbeddedPipeline.settingsFromEnvironment())) {
                results = EvaluationRun.run(pipeline.config(), jobs, Duration.ofSeconds(timeoutSeconds), out);
            }
        }
        long scored = results.stream().filter(EvaluationRun.Result::scored).count();
        if (results.size() > 1) {
            out.printf("%d of %d videos scored%n", scored, results.size());
        }
        out.flush();
        return scored == results.size() ? 0 : 2;
    }

    /** Every video and reference checked here first, so nothing is published for a run that cannot complete. */
    private List<EvaluationRun.Job> jobs(InputLimits limits) {
        if (evalSetFile != null) {
            if (video != null || reference != null) {
                throw new IllegalArgumentException("give either --eval-set-file or --video with --reference, not both");
            }
            return jobsOf(EvalSetParser.read(evalSetFile, evalSet), limits);
        }
        if (video == null || reference == null) {
            throw new IllegalArgumentException("eval needs --video FILE and --reference IMAGE (or --eval-set-file FILE)");
        }
        VideoFile file = VideoFile.probe(video, limits);
        ReferenceImage.check(reference, limits);
        return List.of(new EvaluationRun.Job(file, reference, new Labels(modelVersion, evalSet, label, prompt)));
    }

    private List<EvaluationRun.Job> jobsOf(EvalSet set, InputLimits limits) {
        List<EvaluationRun.Job> jobs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (EvalSet.Row row : set.rows()) {
            try {
                if (row.video() == null) {
                    throw new IllegalArgumentException("no video to score (eval needs the 'video' column)");
                }
                VideoFile file = VideoFile.probe(row.video(), limits);
                ReferenceImage.check(row.reference(), limits);
                jobs.add(new EvaluationRun.Job(file, row.reference(), new Labels(modelVersion, set.name(), row.label(), row.prompt())));
            } catch (IllegalArgumentException e) {
                problems.add("line " + row.line() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new dev.idstream.cli.eval.EvalSetException(set.file(), problems);
        }
        return jobs;
    }
}
