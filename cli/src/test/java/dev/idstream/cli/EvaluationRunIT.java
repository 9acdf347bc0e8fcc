package dev.idstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.Topics;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An evaluation run through Kafka: all six clips of {@code ../shared/data/videos}, each against its own first frame, as
 * one evaluation set ({@code ./idstream eval --eval-set-file}). The run happens once, before the tests; each test
 * checks one thing about its outcome, with the pipeline still up. The set's aggregate can be checked the same way:
 * start the aggregates app on {@link #pipeline}'s cluster before the run, and in a new test read the
 * {@code MetricsSummary} keyed {@code MODEL_VERSION + "|" + EVAL_SET} from {@code idstream.metrics-summary.v1}.
 */
class EvaluationRunIT {

    static final List<String> STAGES = List.of("metrics", EmbeddedPipeline.AGGREGATES);
    static final String EVAL_SET = "clips-vs-first-frame";
    static final String MODEL_VERSION = "liveportrait-driving";

    @TempDir
    static Path dir;

    static EmbeddedPipeline pipeline;
    static List<Path> clips;
    static Cli run;

    @BeforeAll
    static void runTheEvaluationSet() throws Exception {
        Path videos = SharedData.file("videos/d3.mp4").getParent();
        try (Stream<Path> files = Files.list(videos)) {
            clips = files.filter(p -> p.toString().endsWith(".mp4")).sorted().toList();
        }
        List<String> rows = new ArrayList<>(List.of("reference,prompt,video,label"));
        for (Path clip : clips) {
            String name = clip.getFileName().toString().replace(".mp4", "");
            Path firstFrame = Clips.firstFrame(clip, dir.resolve(name + "_first.png"));
            rows.add(dir.relativize(firstFrame) + ",a person talking to the camera," + clip.toAbsolutePath() + "," + name);
        }
        Path set = Files.write(dir.resolve(EVAL_SET + ".csv"), rows);

        pipeline = EmbeddedPipeline.start(dir.resolve("pipeline"), STAGES, Map.of());
        Path connection = pipeline.writeConnectionProperties(dir.resolve("connection.properties"));
        run = Cli.run("eval", "--eval-set-file", set.toString(), "--model-version", MODEL_VERSION, "--config", connection.toString());
        System.out.println(run.out());
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldScoreEveryClipOfTheSetThroughKafka() throws Exception {
        assertThat(clips).hasSize(6);
        assertThat(run.exitCode()).as(run.printed()).isZero();
        assertThat(run.out()).contains("6 of 6 videos scored");

        List<VideoMetrics> metrics = metrics();
        assertThat(metrics).hasSize(6);
        assertThat(metrics).extracting(VideoMetrics::getLabel).containsExactlyInAnyOrder("d0", "d10", "d11", "d14", "d3", "d9");
        assertThat(metrics).allSatisfy(m -> {
            assertThat(m.getOrigin()).isEqualTo(VideoOrigin.EXTERNAL);
            assertThat(m.getModelVersion()).isEqualTo(MODEL_VERSION);
            assertThat(m.getInceptionFeatures()).as("per-video Inception features for the set-level FID").isNotNull();
        });
    }

    @Test
    void shouldFindTheClipsPersonInEveryClip() throws Exception {
        // each clip against its own first frame: the same person, so identity is high wherever a face is scored
        assertThat(metrics()).allSatisfy(m -> {
            assertThat(m.getFramesScored()).as(m.getLabel()).isGreaterThan(0);
            assertThat(m.getRs()).as("RS of %s against its first frame", m.getLabel()).isGreaterThan(0.9);
            assertThat(m.getIfs()).as("IFS of %s", m.getLabel()).isGreaterThanOrEqualTo(0.8);
        });
    }

    @Test
    void shouldSummariseTheRunInOneMetricsSummaryWithTheSetLevelFid() throws Exception {
        List<VideoMetrics> metrics = metrics();
        String evaluator = metrics.get(0).getEvaluator();
        MetricsSummary summary = awaitSummaryCovering(MODEL_VERSION + "|" + EVAL_SET + "|" + evaluator, 6);
        System.out.println("summary: " + summary);

        assertThat(summary.getVideos()).isEqualTo(6);
        assertThat(summary.getVideosWithoutFace()).isZero();
        assertThat(summary.getRs().getN()).isEqualTo(6);
        assertThat(summary.getRs().getMean()).isEqualTo(metrics.stream().mapToDouble(VideoMetrics::getRs).average().orElseThrow(),
                org.assertj.core.data.Offset.offset(1e-9));
        // every scored frame is a generated-side sample, every video's reference crop a reference-side one
        assertThat(summary.getSetFidGeneratedSamples()).isEqualTo(metrics.stream().mapToLong(VideoMetrics::getFramesScored).sum());
        assertThat(summary.getSetFidReferenceSamples()).isEqualTo(6);
        assertThat(summary.getSetFid()).as("set-level Frechet distance").isNotNull().isFinite().isPositive();
    }

    @Test
    void shouldReportTheSetWithTheSetLevelFidOfTheStreamsSummary() throws Exception {
        String evaluator = metrics().get(0).getEvaluator();
        MetricsSummary summary = awaitSummaryCovering(MODEL_VERSION + "|" + EVAL_SET + "|" + evaluator, 6);
        Path out = dir.resolve("report/" + EVAL_SET + ".html");

        Cli report = Cli.run("report", "--eval-set", EVAL_SET, "--out", out.toString(),
                "--config", dir.resolve("connection.properties").toString());

        assertThat(report.exitCode()).as(report.out()).isZero();
        String html = Files.readString(out);
        // the report's number format: one decimal from 10 up, three below
        String setFid = String.format(java.util.Locale.ROOT, summary.getSetFid() >= 10 ? "%.1f" : "%.3f", summary.getSetFid());
        assertThat(html).contains(MODEL_VERSION, "<td class=\"num\">" + setFid + "</td>")
                .doesNotContain("No MetricsSummary for this set");
        clips.forEach(clip -> assertThat(html).contains(clip.getFileName().toString().replace(".mp4", "")));
    }

    /** The latest summary under {@code key} once its set FID covers {@code videos} videos (it lags by the merge interval). */
    static MetricsSummary awaitSummaryCovering(String key, int videos) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        MetricsSummary latest = null;
        while (System.nanoTime() < deadline) {
            List<MetricsSummary> summaries = EventLog.read(pipeline.config().kafka().clientConfig(),
                    new ConfluentEventSerde(pipeline.config().registry()), Topics.METRICS_SUMMARY, MetricsSummary.class,
                    s -> key.equals(s.getModelVersion() + "|" + s.getEvalSetId() + "|" + s.getEvaluator()));
            if (!summaries.isEmpty()) {
                latest = summaries.get(summaries.size() - 1);
                if (latest.getSetFidVideos() == videos) {
                    return latest;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no MetricsSummary " + key + " with the set FID over " + videos + " videos within 3 min; latest: " + latest);
    }

    static List<VideoMetrics> metrics() throws Exception {
        return EventLog.read(pipeline.config().kafka().clientConfig(), new ConfluentEventSerde(pipeline.config().registry()),
                Topics.METRICS, VideoMetrics.class, m -> EVAL_SET.equals(m.getEvalSetId()));
    }
}
