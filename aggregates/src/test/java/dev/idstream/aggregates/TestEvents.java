package dev.idstream.aggregates;

import dev.idstream.core.serde.SampleEvents;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.StageFailed;
import dev.idstream.events.TokensFused;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/** Valid pipeline events for one request, built from stage-core's {@link SampleEvents}. */
final class TestEvents {

    private TestEvents() {}

    private static <T extends SpecificRecord> T sample(Class<T> type) {
        return SampleEvents.minimal().stream().map(SampleEvents.Sample::event).filter(type::isInstance).map(type::cast)
                .findFirst().orElseThrow();
    }

    static GenerationRequested requested(String id, long at) {
        return GenerationRequested.newBuilder(sample(GenerationRequested.class)).setRequestId(id).setCreatedAt(Instant.ofEpochMilli(at)).build();
    }

    static FaceDetected faces(String id, long at) {
        return FaceDetected.newBuilder(sample(FaceDetected.class)).setRequestId(id).setCreatedAt(Instant.ofEpochMilli(at)).build();
    }

    static TokensFused tokens(String id, long at) {
        return TokensFused.newBuilder(sample(TokensFused.class)).setRequestId(id).setCreatedAt(Instant.ofEpochMilli(at)).build();
    }

    static LatentsDenoised latents(String id, long at) {
        return LatentsDenoised.newBuilder(sample(LatentsDenoised.class)).setRequestId(id).setCreatedAt(Instant.ofEpochMilli(at)).build();
    }

    static VideoDecoded video(String id, long at) {
        return VideoDecoded.newBuilder(sample(VideoDecoded.class)).setRequestId(id).setCreatedAt(Instant.ofEpochMilli(at))
                .setOrigin(VideoOrigin.GENERATED).setVideo(videoRef(id)).build();
    }

    static StageFailed failed(String id, long at, String stage, String message) {
        return StageFailed.newBuilder(sample(StageFailed.class)).setRequestId(id).setCreatedAt(Instant.ofEpochMilli(at))
                .setStage(stage).setReason(FailureReason.NO_FACE).setMessage(message).build();
    }

    /** A scored video: {@code rs} etc. may be null (not measured); {@code framesScored} 0 means no face at all. */
    static VideoMetrics.Builder metrics(String id, long at, String model, String evalSet, String evaluator) {
        return VideoMetrics.newBuilder(sample(VideoMetrics.class)).setRequestId(id).setCreatedAt(Instant.ofEpochMilli(at))
                .setModelVersion(model).setEvalSetId(evalSet).setEvaluator(evaluator).setVideo(videoRef(id))
                .setFramesSampled(16).setFramesScored(16).setFramesWithoutFace(0);
    }

    static ArtifactRef videoRef(String id) {
        return ArtifactRef.newBuilder().setUri("s3://idstream-test/requests/" + id + "/decode/video.mp4")
                .setSha256("0".repeat(64)).setSizeBytes(1).setContentType("video/mp4").build();
    }
}
