package dev.idstream.cli;

import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.VideoMetrics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Submit one request and follow it to its end, printing progress and the outcome (shared by submit and demo). */
final class Submission {

    private Submission() {}

    static RequestClient.Outcome run(StageConfig config, Path image, GenerationParams params, Duration timeout,
            Path outputDir, PrintStream out) throws Exception {
        return run(config, image, null, params, timeout, outputDir, out);
    }

    /** @param referenceVideo may be null; else a video of the person for the multi-view face collection */
    static RequestClient.Outcome run(StageConfig config, Path image, Path referenceVideo, GenerationParams params, Duration timeout,
            Path outputDir, PrintStream out) throws Exception {
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException("no such image file: " + image);
        }
        if (referenceVideo != null && !Files.isRegularFile(referenceVideo)) {
            throw new IllegalArgumentException("no such video file: " + referenceVideo);
        }
        try (S3ArtifactStore artifacts = S3ArtifactStore.open(config.s3());
                RequestClient client = new RequestClient(config.kafka().clientConfig(), new ConfluentEventSerde(config.registry()), artifacts);
                RequestClient.Follower follower = client.follower()) {
            String requestId = RequestClient.newRequestId();
            ArtifactRef reference = client.upload(requestId, image);
            GenerationRequested request = client.request(requestId, reference, params);
            if (referenceVideo != null) {
                request.setReferenceVideo(client.uploadReferenceVideo(requestId, referenceVideo));
            }
            client.publish(request);
            out.println("request " + requestId + " published (" + image.getFileName()
                    + (referenceVideo != null ? " + " + referenceVideo.getFileName() : "") + ", \"" + params.getPrompt() + "\")");
            ProgressPrinter printer = new ProgressPrinter(out, System.console() != null);
            RequestClient.Outcome outcome = follower.await(requestId, timeout, printer);
            if (outcome.succeeded()) {
                printSuccess(client, outcome.metrics(), outputDir, out);
            } else if (outcome.failure() == null) {
                out.println("no outcome after " + timeout.toSeconds() + " s; follow it later with: ./idstream status " + requestId);
            }
            out.printf("finished in %.1f s%n", printer.elapsedSeconds());
            return outcome;
        }
    }

    private static void printSuccess(RequestClient client, VideoMetrics m, Path outputDir, PrintStream out) throws Exception {
        ArtifactRef video = m.getVideo();
        Path local = client.download(video, outputDir.resolve(m.getRequestId() + ".mp4"));
        out.println("video   " + video.getUri() + " (" + video.getSizeBytes() + " bytes, sha256 " + video.getSha256().substring(0, 12) + "…)");
        out.println("        saved to " + local.toAbsolutePath());
        out.println("metrics evaluator: " + m.getEvaluator());
        out.printf("        frames sampled %d, scored %d, without a face %d%n", m.getFramesSampled(), m.getFramesScored(), m.getFramesWithoutFace());
        out.println("        RS " + show(m.getRs()) + "  IFS " + show(m.getIfs()) + "  FID(per-frame) " + show(m.getFidPerFrame())
                + "  FM " + show(m.getFm()) + (m.getRs() == null ? "   (null = not measured, never a fake score)" : ""));
    }

    private static String show(Double v) {
        return v == null ? "null" : String.format("%.3f", v);
    }
}
