package dev.idstream.cli.eval;

import dev.idstream.core.InputLimits;
import dev.idstream.core.StageException;
import dev.idstream.events.FailureReason;
import dev.idstream.face.video.VideoReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * What {@code VideoDecoded} says about an external video, read from the file itself before anything is published,
 * with the same probe the stages use ({@link VideoReader#probe}: limits, known container, truncation, frames counted
 * by decoding). A missing file, a file that is not a video and a video over the input limits are clear errors.
 */
public record VideoFile(Path path, long bytes, int frames, int width, int height, float fps) {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // FFmpeg's stream banner belongs in no user's terminal
    }

    public static VideoFile probe(Path path, InputLimits limits) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no such video file: " + path);
        }
        try {
            VideoReader.VideoInfo info = VideoReader.probe(path, "the video " + path, limits);
            if (!(info.fps() > 0)) {
                throw notAVideo(path, "its frame rate is unknown");
            }
            return new VideoFile(path, Files.size(path), info.frameCount(), info.width(), info.height(), (float) info.fps());
        } catch (StageException.BadInput e) {
            throw e.reason() == FailureReason.LIMIT_EXCEEDED
                    ? new IllegalArgumentException(e.getMessage(), e)
                    : notAVideo(path, e.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the video " + path + ": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException notAVideo(Path path, String why) {
        return new IllegalArgumentException(path + " is not a video file that can be scored: " + why);
    }
}
