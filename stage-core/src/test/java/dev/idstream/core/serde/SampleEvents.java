package dev.idstream.core.serde;

import dev.idstream.core.Topics;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.DetectedFace;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.IdentityMix;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.RequestState;
import dev.idstream.events.RequestStatus;
import dev.idstream.events.ShapeEdits;
import dev.idstream.events.StageFailed;
import dev.idstream.events.StageProgress;
import dev.idstream.events.Stat;
import dev.idstream.events.TokensFused;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One event of every type in {@code dev.idstream.events}, each with every optional field set ({@link #full()}) or
 * left null ({@link #minimal()}). Values probe the encodings: non-ASCII text, longs past 2^32, floats that are not
 * exact in binary, empty arrays and maps.
 */
public final class SampleEvents {

    /** An event and the topic it travels on. */
    public record Sample(String name, String topic, SpecificRecord event) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Instant CREATED = Instant.ofEpochMilli(1_763_700_000_123L);
    private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    public static List<Sample> all() {
        return java.util.stream.Stream.concat(full().stream(), minimal().stream()).toList();
    }

    public static List<Sample> full() {
        GenerationParams params = fullParams();
        ArtifactRef reference = artifact("requests/r-1/upload/reference.jpg", "image/jpeg", false);
        ArtifactRef image = artifact("requests/r-1/detect/image.png", "image/png", false);
        ArtifactRef video = artifact("requests/r-1/decode/video.mp4", "video/mp4", false);
        return List.of(
                new Sample("GenerationRequested(full)", Topics.REQUESTS, GenerationRequested.newBuilder()
                        .setRequestId("r-1").setTraceparent(TRACE).setCreatedAt(CREATED)
                        .setReference(reference)
                        .setReferenceVideo(artifact("requests/r-1/upload/reference.mp4", "video/mp4", false))
                        .setParams(params).build()),
                new Sample("FaceDetected(full)", Topics.FACES, FaceDetected.newBuilder()
                        .setRequestId("r-1").setTraceparent(TRACE).setCreatedAt(CREATED).setParams(params)
                        .setReference(reference).setImage(image).setFacesFound(2)
                        .setFaces(List.of(face(true), face(false))).build()),
                new Sample("TokensFused(full)", Topics.TOKENS, TokensFused.newBuilder()
                        .setRequestId("r-1").setTraceparent(TRACE).setCreatedAt(CREATED).setParams(params)
                        .setReference(reference).setReferenceImage(image)
                        .setIdTokens(artifact("requests/r-1/features/id_tokens", "application/x-safetensors", true)).build()),
                new Sample("LatentsDenoised(full)", Topics.LATENTS, LatentsDenoised.newBuilder()
                        .setRequestId("r-1").setTraceparent(TRACE).setCreatedAt(CREATED).setParams(params)
                        .setReference(reference).setReferenceImage(image)
                        .setLatents(artifact("requests/r-1/denoise/latents", "application/x-safetensors", true))
                        .setGenerator("fantasyid-tiny@0.1.0").build()),
                new Sample("VideoDecoded(full)", Topics.VIDEOS, VideoDecoded.newBuilder()
                        .setRequestId("r-1").setTraceparent(TRACE).setCreatedAt(CREATED).setOrigin(VideoOrigin.GENERATED)
                        .setVideo(video)
                        .setPoster(artifact("requests/r-1/decode/poster.png", "image/png", false))
                        .setContactSheet(artifact("requests/r-1/decode/contact.png", "image/png", false))
                        .setReference(reference).setModelVersion("tiny").setEvalSetId("bench-7").setLabel("row 3")
                        .setPrompt(params.getPrompt()).setFrames(9).setWidth(96).setHeight(64).setFps(7.5f).build()),
                new Sample("VideoMetrics(full)", Topics.METRICS, VideoMetrics.newBuilder()
                        .setRequestId("r-1").setTraceparent(TRACE).setCreatedAt(CREATED).setOrigin(VideoOrigin.EXTERNAL)
                        .setModelVersion("tiny").setEvalSetId("bench-7").setLabel("row 3").setVideo(video)
                        .setEvaluator("face-bundle@1.0.0").setSettings(settings())
                        .setFramesSampled(16).setFramesScored(15).setFramesWithoutFace(1)
                        .setRs(0.5712345678901234).setIfs(0.95).setFidPerFrame(142.5).setFm(0.61).setFmNormalized(1.0e-3)
                        .setPerFrame(artifact("requests/r-1/metrics/per_frame.json", "application/json", false))
                        .setInceptionFeatures(artifact("requests/r-1/metrics/inception", "application/x-safetensors", true))
                        .build()),
                new Sample("StageProgress(full)", Topics.PROGRESS, StageProgress.newBuilder()
                        .setRequestId("r-1").setTraceparent(TRACE).setCreatedAt(CREATED).setStage("denoise")
                        .setStep(3).setTotalSteps(8).setMessage("step 3/8, 0.42 s/step").build()),
                new Sample("StageFailed(full)", Topics.FAILURES, StageFailed.newBuilder()
                        .setRequestId("r-1").setTraceparent(TRACE).setCreatedAt(CREATED).setStage("detect")
                        .setReason(FailureReason.LIMIT_EXCEEDED)
                        .setMessage("image is 14000×9000, the limit is 4096×4096")
                        .setDetail("dev.idstream.core.StageException$BadInput: ...")
                        .setInputTopic(Topics.REQUESTS).setInputPartition(2).setInputOffset(12_345_678_901L).build()),
                new Sample("MetricsSummary(full)", Topics.METRICS_SUMMARY, MetricsSummary.newBuilder()
                        .setModelVersion("tiny").setEvalSetId("bench-7").setEvaluator("face-bundle@1.0.0")
                        .setUpdatedAt(CREATED).setVideos(40).setVideosWithoutFace(2).setNoFaceRate(0.05)
                        .setRs(stat(0.57)).setIfs(stat(0.95)).setFm(stat(0.61)).setFidPerFrame(stat(142.5))
                        .setSetFid(138.25).build()),
                new Sample("RequestStatus(full)", Topics.STATUS, RequestStatus.newBuilder()
                        .setRequestId("r-1").setUpdatedAt(CREATED).setState(RequestState.FAILED).setStage("detect")
                        .setMessage("no face found in the reference image").setVideo(video)
                        .setFailureReason(FailureReason.NO_FACE).build()));
    }

    public static List<Sample> minimal() {
        GenerationParams params = GenerationParams.newBuilder().setPrompt("").build();
        ArtifactRef reference = artifact("requests/r-2/upload/reference.png", "image/png", false);
        ArtifactRef video = artifact("requests/r-2/decode/video.mp4", "video/mp4", false);
        return List.of(
                new Sample("GenerationRequested(minimal)", Topics.REQUESTS, GenerationRequested.newBuilder()
                        .setRequestId("r-2").setTraceparent("").setCreatedAt(Instant.EPOCH)
                        .setReference(reference).setParams(params).build()),
                new Sample("FaceDetected(minimal)", Topics.FACES, FaceDetected.newBuilder()
                        .setRequestId("r-2").setTraceparent("").setCreatedAt(CREATED).setParams(params)
                        .setReference(reference).setImage(reference).setFacesFound(0).setFaces(List.of()).build()),
                new Sample("TokensFused(minimal)", Topics.TOKENS, TokensFused.newBuilder()
                        .setRequestId("r-2").setTraceparent("").setCreatedAt(CREATED).setParams(params)
                        .setReference(reference).setReferenceImage(reference).build()),
                new Sample("LatentsDenoised(minimal)", Topics.LATENTS, LatentsDenoised.newBuilder()
                        .setRequestId("r-2").setTraceparent("").setCreatedAt(CREATED).setParams(params)
                        .setReference(reference).setReferenceImage(reference).setLatents(reference).setGenerator("").build()),
                new Sample("VideoDecoded(minimal)", Topics.VIDEOS, VideoDecoded.newBuilder()
                        .setRequestId("r-2").setTraceparent("").setCreatedAt(CREATED).setOrigin(VideoOrigin.EXTERNAL)
                        .setVideo(video).setReference(reference).setModelVersion("external")
                        .setFrames(0).setWidth(0).setHeight(0).setFps(0f).build()),
                new Sample("VideoMetrics(minimal)", Topics.METRICS, VideoMetrics.newBuilder()
                        .setRequestId("r-2").setTraceparent("").setCreatedAt(CREATED).setOrigin(VideoOrigin.GENERATED)
                        .setModelVersion("tiny").setVideo(video).setEvaluator("face-bundle@1.0.0").setSettings(Map.of())
                        .setFramesSampled(16).setFramesScored(0).setFramesWithoutFace(16).build()),
                new Sample("StageProgress(minimal)", Topics.PROGRESS, StageProgress.newBuilder()
                        .setRequestId("r-2").setTraceparent("").setCreatedAt(CREATED).setStage("denoise")
                        .setStep(0).setTotalSteps(0).build()),
                new Sample("StageFailed(minimal)", Topics.FAILURES, StageFailed.newBuilder()
                        .setRequestId("r-2").setTraceparent("").setCreatedAt(CREATED).setStage("features")
                        .setReason(FailureReason.INTERNAL).setMessage("").setInputTopic(Topics.FACES)
                        .setInputPartition(0).setInputOffset(0).build()),
                new Sample("MetricsSummary(minimal)", Topics.METRICS_SUMMARY, MetricsSummary.newBuilder()
                        .setModelVersion("tiny").setEvalSetId("").setEvaluator("face-bundle@1.0.0").setUpdatedAt(CREATED)
                        .setVideos(0).setVideosWithoutFace(0).setNoFaceRate(0).build()),
                new Sample("RequestStatus(minimal)", Topics.STATUS, RequestStatus.newBuilder()
                        .setRequestId("r-2").setUpdatedAt(CREATED).setState(RequestState.REQUESTED).setStage("submit").build()));
    }

    private static GenerationParams fullParams() {
        return GenerationParams.newBuilder()
                .setPrompt("Porträt einer Frau in 東京, golden hour 🌸, \"cinematic\"\n35mm")
                .setNegativePrompt("blurry, lowres")
                // The largest long that Confluent's JavaScript client (avsc numbers) reads without precision loss.
                .setSeed(9_007_199_254_740_990L)
                .setFrames(49).setWidth(720).setHeight(480).setFps(8).setSteps(50)
                .setGuidanceScale(0.1f)
                .setModelVersion("fantasyid-5b@1.0").setEvalSetId("bench-7").setLabel("row 3")
                .setIdentityMix(IdentityMix.newBuilder()
                        .setSecondReference(artifact("requests/r-1/upload/second.jpg", "image/jpeg", false))
                        .setWeight(0.3f).build())
                .setShapeEdits(ShapeEdits.newBuilder().setFaceWidth(1.15f).setJawSharpness(-0.5f).build())
                .build();
    }

    private static DetectedFace face(boolean withOptional) {
        DetectedFace.Builder face = DetectedFace.newBuilder()
                .setBox(List.of(10.5f, 20.25f, 100f, 120.75f)).setScore(0.987654f)
                .setKeypoints(List.of(30f, 40f, 70f, 40f, 50f, 60f, 35f, 80f, 65f, 80f))
                .setYaw(-12.5f).setPitch(3.25f).setRoll(Float.MIN_VALUE)
                .setAlignedCrop(artifact("requests/r-1/detect/face-0.png", "image/png", false));
        if (withOptional) {
            face.setEmbeddingCrop(artifact("requests/r-1/detect/face-0-150.png", "image/png", false))
                    .setMesh(artifact("requests/r-1/detect/mesh-0", "application/x-safetensors", true));
        }
        return face.build();
    }

    private static ArtifactRef artifact(String key, String contentType, boolean tensor) {
        ArtifactRef.Builder ref = ArtifactRef.newBuilder()
                .setUri("s3://idstream/" + key)
                .setSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .setSizeBytes(tensor ? 5_000_000_123L : 1234)
                .setContentType(contentType);
        if (tensor) {
            ref.setDtype("F32").setShape(List.of(115L, 2048L));
        }
        return ref.build();
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("sampledFrames", "16");
        settings.put("fid.mode", "per-frame");
        settings.put("flow", "farneback(0.5,3,15,3,5,1.2)");
        return settings;
    }

    private static Stat stat(double mean) {
        return Stat.newBuilder().setN(38).setMean(mean).setStddev(0.125).setMin(mean - 0.5).setMax(mean + 0.5).build();
    }

    private SampleEvents() {}
}
