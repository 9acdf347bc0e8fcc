package dev.idstream.cli.eval;

import dev.idstream.cli.Traceparent;
import dev.idstream.core.Topics;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.artifacts.ArtifactStore;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoOrigin;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * Hands a video made elsewhere to the metrics stage: uploads the video and its reference image under
 * {@code requests/<requestId>/external/} (deterministic keys, sha256 recorded) and publishes {@code VideoDecoded}
 * with {@code origin=EXTERNAL} to {@code idstream.videos.v1}. From there it is scored exactly like a generated video.
 */
public final class ExternalVideoPublisher {

    static final String STAGE = "external";

    /** What the scores are filed under: model version (the system that made the video), evaluation set, label, prompt. */
    public record Labels(String modelVersion, String evalSetId, String label, String prompt) {}

    private final ArtifactStore artifacts;
    private final EventPublisher publisher;

    public ExternalVideoPublisher(ArtifactStore artifacts, EventPublisher publisher) {
        this.artifacts = artifacts;
        this.publisher = publisher;
    }

    public VideoDecoded publish(String requestId, VideoFile video, Path reference, Labels labels) throws Exception {
        ArtifactRef videoRef = artifacts.putFile(new ArtifactKey(requestId, STAGE, "video" + extension(video.path(), ".mp4")),
                video.path(), videoContentType(video.path()));
        ArtifactRef referenceRef = artifacts.putFile(new ArtifactKey(requestId, STAGE, "reference" + extension(reference, ".img")),
                reference, ReferenceImage.contentType(reference));
        VideoDecoded event = VideoDecoded.newBuilder()
                .setRequestId(requestId)
                .setTraceparent(Traceparent.newRoot())
                .setCreatedAt(Instant.now())
                .setOrigin(VideoOrigin.EXTERNAL)
                .setVideo(videoRef)
                .setReference(referenceRef)
                .setModelVersion(labels.modelVersion())
                .setEvalSetId(labels.evalSetId())
                .setLabel(labels.label())
                .setPrompt(labels.prompt())
                .setFrames(video.frames())
                .setWidth(video.width())
                .setHeight(video.height())
                .setFps(video.fps())
                .build();
        publisher.publish(Topics.VIDEOS, requestId, event);
        return event;
    }

    private static String videoContentType(Path video) {
        return switch (extension(video, ".mp4")) {
            case ".webm" -> "video/webm";
            case ".mov" -> "video/quicktime";
            case ".mkv" -> "video/x-matroska";
            default -> "video/mp4";
        };
    }

    private static String extension(Path file, String fallback) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot);
        return ext.matches("\\.[a-z0-9]{1,5}") ? ext : fallback;
    }
}
