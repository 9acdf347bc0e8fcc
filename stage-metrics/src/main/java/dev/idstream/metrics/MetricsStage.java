package dev.idstream.metrics;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.events.FailureReason;
import dev.idstream.events.RequestState;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/**
 * metrics: scores a video for identity preservation, stability, quality and motion (DESIGN.md §6).
 *
 * <p>NOT SCORING YET: the scores need the face bundle (issues 3 and 4). Today this stage verifies and decodes the
 * video, counts its frames and emits {@code VideoMetrics} with every score null and the evaluator marked
 * {@link #UNSCORED}: a null score means "not measured", never a fake value.
 */
public final class MetricsStage implements Stage<VideoDecoded, VideoMetrics> {

    public static final String UNSCORED = "none (face bundle not integrated yet: scores are null)";
    static final int SAMPLED_FRAMES = 16;

    static {
        // FFmpeg prints stream details at INFO to stderr for every file; only errors belong in a stage's log.
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    }

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public String inputTopic() {
        return Topics.VIDEOS;
    }

    @Override
    public Class<VideoDecoded> inputType() {
        return VideoDecoded.class;
    }

    @Override
    public String outputTopic() {
        return Topics.METRICS;
    }

    @Override
    public RequestState doneState() {
        return RequestState.SCORED;
    }

    @Override
    public VideoMetrics process(VideoDecoded in, StageContext ctx) throws Exception {
        Path video = Files.createTempFile("idstream-" + in.getRequestId(), ".mp4");
        try {
            ctx.artifacts().getToFile(in.getVideo(), video);
            int frames = countFrames(video);
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("frameSampling", "linspace(0, F-1, " + SAMPLED_FRAMES + ")");
            settings.put("framesDecoded", Integer.toString(frames));
            return VideoMetrics.newBuilder()
                    .setRequestId(in.getRequestId())
                    .setTraceparent(ctx.traceparent())
                    .setCreatedAt(Instant.now())
                    .setOrigin(in.getOrigin())
                    .setModelVersion(in.getModelVersion())
                    .setEvalSetId(in.getEvalSetId())
                    .setLabel(in.getLabel())
                    .setVideo(in.getVideo())
                    .setEvaluator(UNSCORED)
                    .setSettings(settings)
                    .setFramesSampled(Math.min(SAMPLED_FRAMES, frames))
                    .setFramesScored(0)
                    .setFramesWithoutFace(0)
                    .build();
        } finally {
            Files.deleteIfExists(video);
        }
    }

    private static int countFrames(Path video) throws StageException.BadInput {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            int n = 0;
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                if (frame.image != null) {
                    n++;
                }
            }
            grabber.stop();
            if (n == 0) {
                throw new StageException.BadInput(FailureReason.BAD_INPUT, "the video has no decodable frames");
            }
            return n;
        } catch (org.bytedeco.javacv.FrameGrabber.Exception e) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the video cannot be decoded: " + e.getMessage(), e);
        }
    }
}
