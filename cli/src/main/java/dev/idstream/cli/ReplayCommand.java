package dev.idstream.cli;

import dev.idstream.cli.eval.EvalSet;
import dev.idstream.cli.eval.EvalSetParser;
import dev.idstream.cli.eval.EvalSetReplay;
import dev.idstream.cli.eval.EventPublisher;
import dev.idstream.cli.eval.MetricsPrinter;
import dev.idstream.cli.eval.ReplayIds;
import dev.idstream.cli.eval.RequestReplay;
import dev.idstream.cli.eval.TimeWindow;
import dev.idstream.cli.eval.TopicReader;
import dev.idstream.cli.eval.VideoRescore;
import dev.idstream.core.Topics;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.MetricsStageSettings;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.VideoDecoded;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What ops do to evaluate: run an evaluation set with a model version, re-run past requests with a new model version,
 * or re-score existing videos with another evaluator. Always against a running cluster ({@code --config}).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = {
        "Re-publish for evaluation, in one of three ways:",
        "  --eval-set-file FILE --model-version V [--eval-set ID]",
        "      one request per row of an evaluation set",
        "  --topic idstream.requests.v1 --from T1 --to T2 --model-version V",
        "      past requests, with new request ids and the new model version",
        "  --videos --evaluator E [--eval-set S] [--from T1] [--to T2]",
        "      existing videos, to evaluator E's metrics deployment (metrics.evaluator=E)",
        "Times are ISO-8601 instants (2026-11-21T07:00:00Z) or epoch milliseconds."})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--eval-set-file", paramLabel = "FILE", description = "Evaluation-set CSV file (see the README).")
    Path evalSetFile;

    @Option(names = "--eval-set", paramLabel = "ID", description = "With --eval-set-file: the set's id (default: the file name without "
            + "extension). With --videos: only videos of this evaluation set.")
    String evalSetId;

    @Option(names = "--topic", description = "The topic to replay requests from: " + Topics.REQUESTS + ".")
    String topic;

    @Option(names = "--videos", description = "Re-score videos from " + Topics.VIDEOS + " with --evaluator.")
    boolean videos;

    @Option(names = "--evaluator", paramLabel = "E", description = "The re-scoring deployment (metrics.evaluator=E) that reads idstream.videos.E.v1.")
    String evaluator;

    @Option(names = "--from", paramLabel = "T1", description = "Records at or after this time.")
    String from;

    @Option(names = "--to", paramLabel = "T2", description = "Records before this time.")
    String to;

    @Option(names = "--model-version", paramLabel = "V", description = "Model version of the new requests.")
    String modelVersion;

    @Option(names = "--run-id", description = "Makes the new request ids repeatable: the same run id gives the same ids (default: random).")
    String runId;

    @Option(names = "--follow", description = "With --eval-set-file or --topic: wait for every request's outcome and print it.")
    boolean follow;

    @Option(names = "--timeout", defaultValue = "3600", description = "Seconds --follow waits.")
    long timeoutSeconds;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Logging.quiet();
        int modes = (evalSetFile != null ? 1 : 0) + (topic != null ? 1 : 0) + (videos ? 1 : 0);
        if (modes != 1) {
            throw new IllegalArgumentException("replay needs exactly one of --eval-set-file FILE, --topic " + Topics.REQUESTS + " or --videos");
        }
        if (!connection.given()) {
            throw new IllegalArgumentException("replay works on a running cluster: give --config FILE (e.g. .idstream/up/connection.properties "
                    + "from ./idstream up) or IDSTREAM_* variables");
        }
        if (evaluator != null) {
            MetricsStageSettings.forEvaluator(evaluator); // a bad name fails here, before any connection is made
        }
        PrintWriter out = spec.commandLine().getOut();
        ReplayIds ids = runId == null ? ReplayIds.newRun() : new ReplayIds(runId);
        StageConfig config = connection.load();
        int code = videos ? rescore(config, out) : replayRequests(config, ids, out);
        out.flush();
        return code;
    }

    private int replayRequests(StageConfig config, ReplayIds ids, PrintWriter out) throws Exception {
        if (modelVersion == null || modelVersion.isBlank()) {
            throw new IllegalArgumentException("replaying requests needs --model-version V");
        }
        if (evaluator != null) {
            throw new IllegalArgumentException("--evaluator goes with --videos (re-scoring), not with requests");
        }
        EvalSet set = null;
        TimeWindow window = null;
        if (evalSetFile != null) {
            if (from != null || to != null) {
                throw new IllegalArgumentException("--from/--to go with --topic or --videos; --eval-set-file replays every row of the file");
            }
            set = EvalSetParser.read(evalSetFile, evalSetId);
        } else {
            if (evalSetId != null) {
                throw new IllegalArgumentException("--eval-set goes with --eval-set-file or --videos; --topic replays requests by time");
            }
            if (!Topics.REQUESTS.equals(topic)) {
                throw new IllegalArgumentException("--topic " + topic + ": requests are replayed from " + Topics.REQUESTS);
            }
            if (from == null || to == null) {
                throw new IllegalArgumentException("replaying from a topic needs --from T1 and --to T2");
            }
            window = TimeWindow.parse(from, to);
        }
        ConfluentEventSerde serde = new ConfluentEventSerde(config.registry());
        try (S3ArtifactStore artifacts = S3ArtifactStore.open(config.s3());
                RequestClient client = new RequestClient(config.kafka().clientConfig(), serde, artifacts);
                RequestClient.Follower follower = follow ? client.follower() : null) {
            List<GenerationRequested> published;
            if (set != null) {
                published = new EvalSetReplay(client).publish(set, modelVersion, ids);
                out.printf("published %d requests of evaluation set %s with model version %s (run %s)%n", published.size(), set.name(),
                        modelVersion, ids.runId());
            } else {
                TopicReader.Found<GenerationRequested> found = TopicReader.read(config.kafka().clientConfig(), serde, topic,
                        GenerationRequested.class, window, r -> true);
                out.printf("found %d requests on %s in %s%s%n", found.events().size(), topic, window,
                        found.unreadable() == 0 ? "" : " (" + found.unreadable() + " unreadable records skipped)");
                published = new RequestReplay(client).republish(found.events(), modelVersion, ids);
                out.printf("re-published %d with model version %s and new request ids (run %s)%n", published.size(), modelVersion, ids.runId());
            }
            out.flush();
            return follower == null ? 0 : followAll(follower, published, out);
        }
    }

    private int followAll(RequestClient.Follower follower, List<GenerationRequested> published, PrintWriter out) {
        var outcomes = follower.awaitAll(published.stream().map(GenerationRequested::getRequestId).toList(), Duration.ofSeconds(timeoutSeconds),
                o -> {
                    if (o.succeeded()) {
                        MetricsPrinter.print("scored", o.metrics(), out);
                    } else {
                        out.printf("request %s FAILED at %s (%s): %s%n", o.requestId(), o.failure().getStage(), o.failure().getReason(),
                                o.failure().getMessage());
                    }
                    out.flush();
                });
        long scored = outcomes.values().stream().filter(RequestClient.Outcome::succeeded).count();
        out.printf("%d scored, %d failed, %d without an outcome after %d s%n", scored, outcomes.size() - scored,
                published.size() - outcomes.size(), timeoutSeconds);
        return scored == published.size() ? 0 : 2;
    }

    private int rescore(StageConfig config, PrintWriter out) throws Exception {
        if (evaluator == null) {
            throw new IllegalArgumentException("--videos needs --evaluator E (the re-scoring deployment, metrics.evaluator=E)");
        }
        if (modelVersion != null || follow || runId != null) {
            throw new IllegalArgumentException("--videos re-scores videos as they are: --model-version, --run-id and --follow do not apply");
        }
        TimeWindow window = TimeWindow.parse(from, to);
        ConfluentEventSerde serde = new ConfluentEventSerde(config.registry());
        try (EventPublisher publisher = new EventPublisher(config.kafka().clientConfig(), serde)) {
            TopicReader.Found<VideoDecoded> found = TopicReader.read(config.kafka().clientConfig(), serde, Topics.VIDEOS, VideoDecoded.class,
                    window, v -> evalSetId == null || evalSetId.equals(v.getEvalSetId()));
            out.printf("found %d videos on %s in %s%s%s%n", found.events().size(), Topics.VIDEOS, window,
                    evalSetId == null ? "" : " of evaluation set " + evalSetId,
                    found.unreadable() == 0 ? "" : " (" + found.unreadable() + " unreadable records skipped)");
            VideoRescore rescore = new VideoRescore(config.kafka().clientConfig(), publisher);
            String target = rescore.ensureTopic(evaluator);
            List<VideoDecoded> sent = rescore.republish(found.events(), target);
            out.printf("re-published %d to %s; the metrics deployment with metrics.evaluator=%s scores them%n", sent.size(), target, evaluator);
            return 0;
        }
    }
}
