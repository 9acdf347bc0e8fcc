package dev.idstream.cli.eval;

import dev.idstream.cli.RequestClient;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.StageFailed;
import dev.idstream.events.VideoMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scores videos made elsewhere through the pipeline: publishes one {@code VideoDecoded(origin=EXTERNAL)} per video,
 * then waits for each one's {@code VideoMetrics} (or {@code StageFailed}) and prints it as it arrives.
 */
public final class EvaluationRun {

    /** One video to score against one reference image, already checked ({@link VideoFile#probe}, {@link ReferenceImage#check}). */
    public record Job(VideoFile video, Path reference, ExternalVideoPublisher.Labels labels) {}

    /** How one job ended: metrics, a failure, or neither (timed out). */
    public record Result(Job job, String requestId, VideoMetrics metrics, StageFailed failure) {
        public boolean scored() {
            return metrics != null;
        }
    }

    private EvaluationRun() {}

    public static List<Result> run(StageConfig config, List<Job> jobs, Duration timeout, PrintWriter out) throws Exception {
        ConfluentEventSerde serde = new ConfluentEventSerde(config.registry());
        Map<String, Job> byRequest = new LinkedHashMap<>();
        try (S3ArtifactStore artifacts = S3ArtifactStore.open(config.s3());
                EventPublisher publisher = new EventPublisher(config.kafka().clientConfig(), serde);
                RequestClient client = new RequestClient(config.kafka().clientConfig(), serde, artifacts);
                RequestClient.Follower follower = client.follower()) {
            ExternalVideoPublisher external = new ExternalVideoPublisher(artifacts, publisher);
            for (Job job : jobs) {
                String requestId = UUID.randomUUID().toString();
                external.publish(requestId, job.video(), job.reference(), job.labels());
                byRequest.put(requestId, job);
                out.printf("published %s (%d frames, %d×%d, %.3g fps) against %s as request %s%n", job.video().path().getFileName(),
                        job.video().frames(), job.video().width(), job.video().height(), job.video().fps(),
                        job.reference().getFileName(), requestId);
            }
            out.flush();
            var outcomes = follower.awaitAll(byRequest.keySet(), timeout, outcome -> {
                Job job = byRequest.get(outcome.requestId());
                if (outcome.succeeded()) {
                    MetricsPrinter.print(job.video().path().getFileName() + " vs " + job.reference().getFileName(), outcome.metrics(), out);
                } else {
                    StageFailed f = outcome.failure();
                    out.printf("%s vs %s FAILED at %s (%s): %s%n", job.video().path().getFileName(), job.reference().getFileName(),
                            f.getStage(), f.getReason(), f.getMessage());
                }
                out.flush();
            });
            List<Result> results = new ArrayList<>();
            byRequest.forEach((id, job) -> {
                var o = outcomes.get(id);
                results.add(new Result(job, id, o == null ? null : o.metrics(), o == null ? null : o.failure()));
                if (o == null) {
                    out.println(job.video().path().getFileName() + ": no score after " + timeout.toSeconds() + " s (request " + id + ")");
                }
            });
            out.flush();
            return results;
        }
    }
}
