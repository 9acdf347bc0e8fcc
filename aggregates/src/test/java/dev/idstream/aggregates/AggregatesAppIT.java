package dev.idstream.aggregates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.idstream.core.Topics;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.core.testing.CommittedReader;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EmbeddedPipelineExtension;
import dev.idstream.core.testing.EventPublisher;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.RequestState;
import dev.idstream.events.RequestStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregates application on the real broker (exactly_once_v2), registry and S3: three scored videos with
 * 2048-d Inception feature artifacts in the metrics stage's layout become one {@code MetricsSummary} with the
 * set-level FID, and pipeline events become request statuses.
 */
@ExtendWith(EmbeddedPipelineExtension.class)
class AggregatesAppIT {

    private static final int DIM = 2048;

    @TempDir
    Path stateDir;

    @Test
    void shouldSummariseARunWithItsSetFidAndKeepRequestStatusesOnTheRealBroker(EmbeddedPipeline pipeline) throws Exception {
        AggregatesSettings settings = new AggregatesSettings("aggregates-it", stateDir, Duration.ofSeconds(1));
        Random random = new Random(3);
        String model = "it-model";
        GaussianStats generated = new GaussianStats(DIM);
        GaussianStats reference = new GaussianStats(DIM);
        long start = System.nanoTime();
        try (AggregatesApp app = AggregatesApp.start(pipeline.stageConfig("aggregates-it"), settings);
             EventPublisher publisher = new EventPublisher(pipeline)) {
            for (int v = 0; v < 3; v++) {
                String id = "agg-it-" + v;
                float[] ref = features(random, 1, 0.0);
                float[] frames = features(random, 16 - 4 * v, 0.2);
                generated.addAll(frames, frames.length / DIM);
                reference.addAll(ref, 1);
                publisher.send(Topics.REQUESTS, id, TestEvents.requested(id, 1000L * v));
                publisher.send(Topics.METRICS, id, TestEvents.metrics(id, 1000L * v + 500, model, "it-set", "face@1")
                        .setRs(0.5 + 0.1 * v).setInceptionFeatures(upload(pipeline, id, ref, frames)).build());
            }
            publisher.send(Topics.REQUESTS, "agg-it-failed", TestEvents.requested("agg-it-failed", 10));
            publisher.send(Topics.FAILURES, "agg-it-failed", TestEvents.failed("agg-it-failed", 20, "detect", "no face found in the reference image"));

            MetricsSummary summary;
            Map<String, RequestStatus> statuses = new LinkedHashMap<>();
            try (CommittedReader reader = new CommittedReader(pipeline, Topics.METRICS_SUMMARY, Topics.STATUS)) {
                List<ConsumerRecord<String, byte[]>> summaries = reader.await(
                        r -> r.topic().equals(Topics.METRICS_SUMMARY) && r.key().equals(model + "|it-set|face@1"),
                        l -> !l.isEmpty() && reader.value(l.get(l.size() - 1), MetricsSummary.class).getSetFidVideos() == 3,
                        Duration.ofMinutes(3), Duration.ZERO);
                summary = reader.value(summaries.get(summaries.size() - 1), MetricsSummary.class);
                reader.await(r -> r.topic().equals(Topics.STATUS) && r.key().startsWith("agg-it-"),
                        l -> l.stream().filter(r -> terminal(reader.value(r, RequestStatus.class))).count() == 4, Duration.ofMinutes(1),
                        Duration.ofSeconds(1)).forEach(r -> statuses.put(r.key(), reader.value(r, RequestStatus.class)));
            }
            System.out.printf("aggregates IT: summary with set FID %.4f over %d videos after %.1f s%n", summary.getSetFid(),
                    summary.getSetFidVideos(), (System.nanoTime() - start) / 1e9);

            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(summary.getVideos()).isEqualTo(3);
            assertThat(summary.getRs().getMean()).isCloseTo(0.6, within(1e-12));
            assertThat(summary.getSetFidGeneratedSamples()).isEqualTo(16 + 12 + 8);
            assertThat(summary.getSetFidReferenceSamples()).isEqualTo(3);
            double expected = FrechetDistance.between(generated, reference);
            assertThat(summary.getSetFid()).isCloseTo(expected, within(1e-9 * expected));
            assertThat(statuses.get("agg-it-0").getState()).isEqualTo(RequestState.SCORED);
            assertThat(statuses.get("agg-it-2").getState()).isEqualTo(RequestState.SCORED);
            assertThat(statuses.get("agg-it-failed").getState()).isEqualTo(RequestState.FAILED);
            assertThat(statuses.get("agg-it-failed").getMessage()).isEqualTo("no face found in the reference image");
        }
    }

    private static boolean terminal(RequestStatus status) {
        return status.getState() == RequestState.SCORED || status.getState() == RequestState.FAILED;
    }

    /** Non-negative, correlated-looking values like pooled Inception activations. */
    private static float[] features(Random random, int rows, double shift) {
        float[] out = new float[rows * DIM];
        for (int r = 0; r < rows; r++) {
            double common = random.nextGaussian();
            for (int i = 0; i < DIM; i++) {
                out[r * DIM + i] = (float) Math.abs(0.3 + shift + 0.2 * common * ((i % 7) / 7.0) + 0.1 * random.nextGaussian());
            }
        }
        return out;
    }

    private static ArtifactRef upload(EmbeddedPipeline pipeline, String id, float[] reference, float[] frames) throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("reference", Tensor.ofFloats(new long[] {1, DIM}, reference));
        tensors.put("frames", Tensor.ofFloats(new long[] {frames.length / DIM, DIM}, frames));
        return pipeline.artifacts().putTensors(new ArtifactKey(id, "metrics", "inception-features.safetensors"), tensors);
    }
}
