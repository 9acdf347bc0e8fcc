package dev.idstream.aggregates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.idstream.core.Topics;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.serde.EventSerdes;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EmbeddedPipelineExtension;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.Stat;
import dev.idstream.events.VideoMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The metrics-summary topology on {@code TopologyTestDriver}, with the real Schema Registry and S3. */
@ExtendWith(EmbeddedPipelineExtension.class)
class SummaryTopologyTest {

    private static final Duration FID_INTERVAL = Duration.ofSeconds(10);
    private static final int DIM = 64;

    @TempDir
    Path stateDir;
    EmbeddedPipeline pipeline;
    TopologyTestDriver driver;

    @BeforeEach
    void startDriver(EmbeddedPipeline pipeline) {
        this.pipeline = pipeline;
        driver = TopologyTestDriverFactory.create(pipeline, stateDir, FID_INTERVAL);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldSummariseScoresLeavingNullScoresOutAndCountingVideosWithoutFace() {
        pipe(TestEvents.metrics("sum-1", 1, "m1", "set-a", "face@1").setRs(0.5).setIfs(0.9).setFm(1.0).setFidPerFrame(100.0).build());
        pipe(TestEvents.metrics("sum-2", 2, "m1", "set-a", "face@1").setRs(0.7).setIfs(0.95).setFm(null).setFidPerFrame(120.0).build());
        pipe(TestEvents.metrics("sum-3", 3, "m1", "set-a", "face@1").setFramesScored(0).setFramesWithoutFace(16).build());

        List<TestRecord<String, MetricsSummary>> out = summaries();

        assertThat(out).hasSize(3).allSatisfy(r -> assertThat(r.key()).isEqualTo("m1|set-a|face@1"));
        MetricsSummary last = out.get(2).value();
        assertThat(last.getVideos()).isEqualTo(3);
        assertThat(last.getVideosWithoutFace()).isEqualTo(1);
        assertThat(last.getNoFaceRate()).isCloseTo(1.0 / 3, within(1e-12));
        assertStat(last.getRs(), 2, 0.6, Math.sqrt(0.02), 0.5, 0.7);
        assertStat(last.getIfs(), 2, 0.925, Math.sqrt(0.00125), 0.9, 0.95);
        assertStat(last.getFm(), 1, 1.0, 0.0, 1.0, 1.0);
        assertStat(last.getFidPerFrame(), 2, 110.0, Math.sqrt(200), 100.0, 120.0);
        assertThat(last.getSetFid()).isNull();
        assertThat(last.getUpdatedAt().toEpochMilli()).isEqualTo(3);
    }

    @Test
    void shouldNeverMixEvaluatorsAndSummariseVideosWithoutEvalSetUnderNone() {
        pipe(TestEvents.metrics("ev-1", 1, "m2", "set-b", "face@1").setRs(0.2).build());
        pipe(TestEvents.metrics("ev-2", 2, "m2", "set-b", "arcface@2").setRs(0.8).build());
        pipe(TestEvents.metrics("ev-3", 3, "m2", null, "face@1").setRs(0.4).build());

        Map<String, MetricsSummary> latest = latestByKey(summaries());

        assertThat(latest).containsOnlyKeys("m2|set-b|face@1", "m2|set-b|arcface@2", "m2|none|face@1");
        assertThat(latest.get("m2|set-b|face@1").getRs().getMean()).isEqualTo(0.2);
        assertThat(latest.get("m2|set-b|arcface@2").getRs().getMean()).isEqualTo(0.8);
        assertThat(latest.get("m2|set-b|arcface@2").getEvaluator()).isEqualTo("arcface@2");
        assertThat(latest.get("m2|none|face@1").getEvalSetId()).isEqualTo("none");
    }

    @Test
    void shouldCountARequestOnceWhenItsMetricsArriveAgain() {
        VideoMetrics once = TestEvents.metrics("dup-1", 1, "m3", "set-c", "face@1").setRs(0.5).build();
        pipe(once);
        pipe(once);
        pipe(TestEvents.metrics("dup-1", 2, "m3", "set-c", "face@1").setRs(0.9).build());

        List<TestRecord<String, MetricsSummary>> out = summaries();

        assertThat(out).hasSize(1);
        assertThat(out.get(0).value().getVideos()).isEqualTo(1);
    }

    @Test
    void shouldComputeTheSetFidFromTheFeaturesOfTwoVideosOnTheNextPunctuation() throws Exception {
        Random random = new Random(5);
        double[][] framesA = FrechetDistanceTest.correlatedGaussian(random, 16, DIM, 0.5, 1.0);
        double[][] framesB = FrechetDistanceTest.correlatedGaussian(random, 12, DIM, 0.5, 1.0);
        double[][] references = FrechetDistanceTest.correlatedGaussian(random, 2, DIM, 0.0, 1.0);
        pipe(TestEvents.metrics("fid-1", 1, "m4", "set-d", "face@1").setInceptionFeatures(features("fid-1", references[0], framesA)).build());
        pipe(TestEvents.metrics("fid-2", 2, "m4", "set-d", "face@1").setInceptionFeatures(features("fid-2", references[1], framesB)).build());

        List<TestRecord<String, MetricsSummary>> beforePunctuation = summaries();
        driver.advanceWallClockTime(FID_INTERVAL);
        List<TestRecord<String, MetricsSummary>> afterPunctuation = summaries();

        assertThat(beforePunctuation).hasSize(2).allSatisfy(r -> assertThat(r.value().getSetFid()).isNull());
        assertThat(afterPunctuation).hasSize(1);
        MetricsSummary summary = afterPunctuation.get(0).value();
        double[][] allFrames = concat(framesA, framesB);
        double expected = IndependentFrechet.byEigen(allFrames, references);
        assertThat(summary.getSetFid()).isCloseTo(expected, within(1e-6 * expected));
        assertThat(summary.getSetFidVideos()).isEqualTo(2);
        assertThat(summary.getSetFidGeneratedSamples()).isEqualTo(28);
        assertThat(summary.getSetFidReferenceSamples()).isEqualTo(2);
        assertThat(summary.getVideos()).isEqualTo(2);

        // The statistics live in S3 under a deterministic key; the state holds only their reference.
        SummaryState state = driver.<String, SummaryState>getKeyValueStore(SummaryProcessor.SUMMARIES).get("m4|set-d|face@1");
        assertThat(state.stats().getUri()).endsWith("/aggregates/stats-00000002.safetensors").contains("summary.m4.set-d.face_1.");
        FeatureStats stored = FeatureStats.fromTensors(pipeline.artifacts().getTensors(state.stats()));
        assertThat(stored.generated().count()).isEqualTo(28);
        assertThat(stored.reference().count()).isEqualTo(2);

        driver.advanceWallClockTime(FID_INTERVAL);
        assertThat(summaries()).as("nothing changed: no new summary").isEmpty();
    }

    @Test
    void shouldStoreTheSameStatisticsUnderTheSameKeyWhateverTheBatching(@TempDir Path otherStateDir) throws Exception {
        Random random = new Random(8);
        VideoMetrics first = TestEvents.metrics("batch-1", 1, "m6", "set-f", "face@1").setInceptionFeatures(features("batch-1",
                FrechetDistanceTest.correlatedGaussian(random, 1, DIM, 0.0, 1.0)[0], FrechetDistanceTest.correlatedGaussian(random, 16, DIM, 0.5, 1.0))).build();
        VideoMetrics second = TestEvents.metrics("batch-2", 2, "m6", "set-f", "face@1").setInceptionFeatures(features("batch-2",
                FrechetDistanceTest.correlatedGaussian(random, 1, DIM, 0.0, 1.0)[0], FrechetDistanceTest.correlatedGaussian(random, 8, DIM, 0.5, 1.0))).build();
        pipe(first);
        driver.advanceWallClockTime(FID_INTERVAL);
        pipe(second);
        driver.advanceWallClockTime(FID_INTERVAL);
        ArtifactRef oneAtATime = driver.<String, SummaryState>getKeyValueStore(SummaryProcessor.SUMMARIES).get("m6|set-f|face@1").stats();

        // As after a crash that lost the first update: both videos merged in one punctuation.
        try (TopologyTestDriver replay = TopologyTestDriverFactory.create(pipeline, otherStateDir, FID_INTERVAL)) {
            var input = replay.createInputTopic(Topics.METRICS, new StringSerializer(), EventSerdes.of(pipeline.serde(), VideoMetrics.class).serializer());
            input.pipeInput(first.getRequestId(), first);
            input.pipeInput(second.getRequestId(), second);
            replay.advanceWallClockTime(FID_INTERVAL);
            ArtifactRef together = replay.<String, SummaryState>getKeyValueStore(SummaryProcessor.SUMMARIES).get("m6|set-f|face@1").stats();

            assertThat(together.getUri()).isEqualTo(oneAtATime.getUri()).endsWith("stats-00000002.safetensors");
            assertThat(together.getSha256()).isEqualTo(oneAtATime.getSha256());
        }
    }

    @Test
    void shouldStartFreshStatisticsWhenTheStoredOnesAreGone() throws Exception {
        Random random = new Random(9);
        double[][] references = FrechetDistanceTest.correlatedGaussian(random, 4, DIM, 0.0, 1.0);
        double[][] framesA = FrechetDistanceTest.correlatedGaussian(random, 16, DIM, 0.5, 1.0);
        double[][] framesB = FrechetDistanceTest.correlatedGaussian(random, 16, DIM, 0.5, 1.0);
        double[][] framesC = FrechetDistanceTest.correlatedGaussian(random, 16, DIM, 0.5, 1.0);
        double[][] framesD = FrechetDistanceTest.correlatedGaussian(random, 8, DIM, 0.5, 1.0);
        pipe(TestEvents.metrics("gone-1", 1, "m7", "set-g", "face@1").setInceptionFeatures(features("gone-1", references[0], framesA)).build());
        pipe(TestEvents.metrics("gone-2", 2, "m7", "set-g", "face@1").setInceptionFeatures(features("gone-2", references[1], framesB)).build());
        driver.advanceWallClockTime(FID_INTERVAL);
        // As after an S3 lifecycle rule expired the summary's latest statistics file.
        var store = driver.<String, SummaryState>getKeyValueStore(SummaryProcessor.SUMMARIES);
        SummaryState s = store.get("m7|set-g|face@1");
        ArtifactRef expired = ArtifactRef.newBuilder(s.stats()).setUri(s.stats().getUri().replace("stats-00000002", "stats-expired"))
                .setSha256("a".repeat(64)).build();
        store.put("m7|set-g|face@1", new SummaryState(s.key(), s.updatedAtMillis(), s.videos(), s.videosWithoutFace(), s.rs(), s.ifs(),
                s.fm(), s.fidPerFrame(), s.featureVideos(), expired, s.pendingFeatures(), s.setFid(), s.setFidVideos(),
                s.setFidGeneratedSamples(), s.setFidReferenceSamples()));
        pipe(TestEvents.metrics("gone-3", 3, "m7", "set-g", "face@1").setInceptionFeatures(features("gone-3", references[2], framesC)).build());
        pipe(TestEvents.metrics("gone-4", 4, "m7", "set-g", "face@1").setInceptionFeatures(features("gone-4", references[3], framesD)).build());
        summaries();

        driver.advanceWallClockTime(FID_INTERVAL);

        MetricsSummary summary = summaries().get(0).value();
        double expected = IndependentFrechet.byEigen(concat(framesC, framesD), new double[][] {references[2], references[3]});
        assertThat(summary.getVideos()).isEqualTo(4);
        assertThat(summary.getSetFidVideos()).isEqualTo(2);
        assertThat(summary.getSetFid()).isCloseTo(expected, within(1e-6 * expected));
        assertThat(summary.getSetFidGeneratedSamples()).isEqualTo(24);
        assertThat(store.get("m7|set-g|face@1").stats().getUri()).endsWith("stats-00000002.safetensors");
    }

    @Test
    void shouldLeaveSetFidNullWhileASideHasFewerThanTwoSamples() throws Exception {
        Random random = new Random(6);
        double[][] frames = FrechetDistanceTest.correlatedGaussian(random, 16, DIM, 0.5, 1.0);
        double[] reference = FrechetDistanceTest.correlatedGaussian(random, 1, DIM, 0.0, 1.0)[0];
        pipe(TestEvents.metrics("one-1", 1, "m5", "set-e", "face@1").setInceptionFeatures(features("one-1", reference, frames)).build());
        summaries();

        driver.advanceWallClockTime(FID_INTERVAL);

        MetricsSummary summary = summaries().get(0).value();
        assertThat(summary.getSetFid()).isNull();
        assertThat(summary.getSetFidGeneratedSamples()).isEqualTo(16);
        assertThat(summary.getSetFidReferenceSamples()).isEqualTo(1);
    }

    private ArtifactRef features(String requestId, double[] reference, double[][] frames) throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("reference", Tensor.ofFloats(new long[] {1, DIM}, floats(new double[][] {reference})));
        tensors.put("frames", Tensor.ofFloats(new long[] {frames.length, DIM}, floats(frames)));
        return pipeline.artifacts().putTensors(new ArtifactKey(requestId, "metrics", "inception-features.safetensors"), tensors);
    }

    private static float[] floats(double[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            for (int i = 0; i < rows[r].length; i++) {
                out[r * rows[r].length + i] = (float) rows[r][i];
            }
        }
        return out;
    }

    private static double[][] concat(double[][] a, double[][] b) {
        double[][] out = new double[a.length + b.length][];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void pipe(VideoMetrics metrics) {
        driver.createInputTopic(Topics.METRICS, new StringSerializer(), EventSerdes.of(pipeline.serde(), VideoMetrics.class).serializer())
                .pipeInput(metrics.getRequestId(), metrics);
    }

    private List<TestRecord<String, MetricsSummary>> summaries() {
        return driver.createOutputTopic(Topics.METRICS_SUMMARY, new StringDeserializer(),
                EventSerdes.of(pipeline.serde(), MetricsSummary.class).deserializer()).readRecordsToList();
    }

    private static Map<String, MetricsSummary> latestByKey(List<TestRecord<String, MetricsSummary>> records) {
        Map<String, MetricsSummary> latest = new LinkedHashMap<>();
        records.forEach(r -> latest.put(r.key(), r.value()));
        return latest;
    }

    private static void assertStat(Stat stat, long n, double mean, double stddev, double min, double max) {
        assertThat(stat).isNotNull();
        assertThat(stat.getN()).isEqualTo(n);
        assertThat(stat.getMean()).isCloseTo(mean, within(1e-12));
        assertThat(stat.getStddev()).isCloseTo(stddev, within(1e-12));
        assertThat(stat.getMin()).isEqualTo(min);
        assertThat(stat.getMax()).isEqualTo(max);
    }
}
