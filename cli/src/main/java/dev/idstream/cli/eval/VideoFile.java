package dev.idstream.cli.eval;

import dev.idstream.core.InputLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * What {@code VideoDecoded} says about an external video, read from the file itself with FFmpeg before anything is
 * published: decodable frames (counted by decoding, as the metrics stage does: container counts are unreliable), size
 * and frame rate. A missing file, a file that is not a video and a video over the input limits are clear errors.
 */
public record VideoFile(Path path, long bytes, int frames, int width, int height, float fps) {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // FFmpeg's stream banner belongs in no user's terminal
    }

    public static VideoFile probe(Path path, InputLimits limits) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no such video file: " + path);
        }
        long bytes;
        try {
            bytes = Files.size(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the video " + path + ": " + e.getMessage(), e);
        }
        if (bytes > limits.maxVideoBytes()) {
            throw new IllegalArgumentException("the video " + path + " is " + mib(bytes) + ", the limit is " + mib(limits.maxVideoBytes()));
        }
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(path.toFile())) {
            grabber.start();
            if (!grabber.hasVideo() || grabber.getImageWidth() <= 0) {
                throw notAVideo(path, "it has no video stream");
            }
            int width = grabber.getImageWidth();
            int height = grabber.getImageHeight();
            float fps = (float) grabber.getFrameRate();
            int frames = 0;
            for (Frame frame; (frame = grabber.grabImage()) != null; ) {
                if (frame.image != null) {
                    frames++;
                }
            }
            grabber.stop();
            if (frames == 0) {
                throw notAVideo(path, "it has no decodable frames");
            }
            if (!(fps > 0)) {
                throw notAVideo(path, "its frame rate is unknown");
            }
            if (frames / fps > limits.maxVideoSeconds()) {
                throw new IllegalArgumentException(String.format("the video %s is %.1f s long, the limit is %d s", path, frames / fps,
                        limits.maxVideoSeconds()));
            }
            return new VideoFile(path, bytes, frames, width, height, fps);
        } catch (FrameGrabber.Exception e) {
            throw notAVideo(path, "FFmpeg cannot decode it (" + e.getMessage() + ")");
        }
    }

    private static IllegalArgumentException notAVideo(Path path, String why) {
        return new IllegalArgumentException(path + " is not a video file that can be scored: " + why);
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
