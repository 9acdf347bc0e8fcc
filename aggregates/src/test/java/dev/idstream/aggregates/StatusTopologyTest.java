package dev.idstream.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.Topics;
import dev.idstream.core.serde.EventSerdes;
import dev.idstream.core.testing.EmbeddedPipeline;
import dev.idstream.core.testing.EmbeddedPipelineExtension;
import dev.idstream.events.FailureReason;
import dev.idstream.events.RequestState;
import dev.idstream.events.RequestStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The request-status topology on {@code TopologyTestDriver}, with the real Schema Registry behind the serde. */
@ExtendWith(EmbeddedPipelineExtension.class)
class StatusTopologyTest {

    @TempDir
    Path stateDir;
    EmbeddedPipeline pipeline;
    TopologyTestDriver driver;

    @BeforeEach
    void startDriver(EmbeddedPipeline pipeline) {
        this.pipeline = pipeline;
        driver = TopologyTestDriverFactory.create(pipeline, stateDir, Duration.ofSeconds(10));
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldFollowARequestThroughEveryStageToScored() {
        String id = "status-all";
        pipe(Topics.REQUESTS, id, TestEvents.requested(id, 1));
        pipe(Topics.FACES, id, TestEvents.faces(id, 2));
        pipe(Topics.TOKENS, id, TestEvents.tokens(id, 3));
        pipe(Topics.LATENTS, id, TestEvents.latents(id, 4));
        pipe(Topics.VIDEOS, id, TestEvents.video(id, 5));
        pipe(Topics.METRICS, id, TestEvents.metrics(id, 6, "tiny", "set", "face@1").build());

        List<RequestStatus> statuses = statuses();

        assertThat(statuses).extracting(RequestStatus::getState).containsExactly(RequestState.REQUESTED, RequestState.FACE_DETECTED,
                RequestState.TOKENS_FUSED, RequestState.LATENTS_DENOISED, RequestState.VIDEO_DECODED, RequestState.SCORED);
        assertThat(statuses).extracting(RequestStatus::getStage).containsExactly("request", "detect", "features", "denoise", "decode", "metrics");
        assertThat(statuses.get(5).getVideo()).isEqualTo(TestEvents.videoRef(id));
        assertThat(statuses.get(5).getUpdatedAt().toEpochMilli()).isEqualTo(6);
    }

    @Test
    void shouldNotRegressWhenAnEarlierEventArrivesLateOrIsReplayed() {
        String id = "status-late";
        pipe(Topics.REQUESTS, id, TestEvents.requested(id, 1));
        pipe(Topics.VIDEOS, id, TestEvents.video(id, 5));
        pipe(Topics.METRICS, id, TestEvents.metrics(id, 6, "tiny", "set", "face@1").build());
        pipe(Topics.FACES, id, TestEvents.faces(id, 2));
        pipe(Topics.TOKENS, id, TestEvents.tokens(id, 3));
        pipe(Topics.REQUESTS, id, TestEvents.requested(id, 7));
        pipe(Topics.METRICS, id, TestEvents.metrics(id, 8, "tiny", "set", "face@1").build());

        assertThat(statuses()).extracting(RequestStatus::getState)
                .containsExactly(RequestState.REQUESTED, RequestState.VIDEO_DECODED, RequestState.SCORED);
        assertThat(latest(id).getState()).isEqualTo(RequestState.SCORED);
    }

    @Test
    void shouldKeepFailedTerminalAndKeepTheVideoOfAnEarlierState() {
        String id = "status-failed";
        pipe(Topics.VIDEOS, id, TestEvents.video(id, 5));
        pipe(Topics.FAILURES, id, TestEvents.failed(id, 6, "metrics", "no face in any sampled frame"));
        pipe(Topics.METRICS, id, TestEvents.metrics(id, 7, "tiny", "set", "face@1").build());
        pipe(Topics.REQUESTS, id, TestEvents.requested(id, 8));

        List<RequestStatus> statuses = statuses();

        assertThat(statuses).extracting(RequestStatus::getState).containsExactly(RequestState.VIDEO_DECODED, RequestState.FAILED);
        RequestStatus failed = statuses.get(1);
        assertThat(failed.getStage()).isEqualTo("metrics");
        assertThat(failed.getFailureReason()).isEqualTo(FailureReason.NO_FACE);
        assertThat(failed.getMessage()).isEqualTo("no face in any sampled frame");
        assertThat(failed.getVideo()).isEqualTo(TestEvents.videoRef(id));
    }

    @Test
    void shouldKeepScoredWhenARescoringDeploymentFailsLater() {
        String id = "status-rescore-failed";
        pipe(Topics.VIDEOS, id, TestEvents.video(id, 5));
        pipe(Topics.METRICS, id, TestEvents.metrics(id, 6, "tiny", "set", "face@1").build());
        pipe(Topics.FAILURES, id, TestEvents.failed(id, 7, "metrics-face@2", "no face in any sampled frame"));

        assertThat(statuses()).extracting(RequestStatus::getState).containsExactly(RequestState.VIDEO_DECODED, RequestState.SCORED);
        assertThat(latest(id).getState()).isEqualTo(RequestState.SCORED);
        assertThat(latest(id).getStage()).isEqualTo("metrics");
    }

    @Test
    void shouldSkipAnUnreadableRecordAndKeepServing() {
        String id = "status-poison";
        driver.createInputTopic(Topics.FACES, new StringSerializer(), new ByteArraySerializer())
                .pipeInput(id, new byte[] {0, 0, 0x0f, 0x42, 0x3f, 1, 2});
        pipe(Topics.REQUESTS, id, TestEvents.requested(id, 1));
        pipe(Topics.FAILURES, id, TestEvents.failed(id, 2, "detect", "no face found in the reference image"));

        assertThat(statuses()).extracting(RequestStatus::getState).containsExactly(RequestState.REQUESTED, RequestState.FAILED);
    }

    private <T extends SpecificRecord> void pipe(String topic, String key, T event) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) event.getClass();
        driver.createInputTopic(topic, new StringSerializer(), EventSerdes.of(pipeline.serde(), type).serializer()).pipeInput(key, event);
    }

    private List<RequestStatus> statuses() {
        return driver.createOutputTopic(Topics.STATUS, new StringDeserializer(),
                EventSerdes.of(pipeline.serde(), RequestStatus.class).deserializer()).readRecordsToList().stream().map(TestRecord::value).toList();
    }

    private RequestStatus latest(String id) {
        return driver.<String, RequestStatus>getKeyValueStore(StatusProcessor.STORE).get(id);
    }
}
