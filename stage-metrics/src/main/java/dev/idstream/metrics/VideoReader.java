package dev.idstream.metrics;

import dev.idstream.core.StageException;
import dev.idstream.events.FailureReason;
import dev.idstream.face.RgbImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/** Decodes a video file with FFmpeg (javacv), frame by frame, so a long clip never sits in memory at once. */
public final class VideoReader {

    static {
        // FFmpeg prints stream details at INFO to stderr for every file; only errors belong in a stage's log.
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    }

    public interface FrameVisitor {
        /** @return false to stop reading */
        boolean frame(int index, RgbImage image) throws Exception;
    }

    private VideoReader() {
    }

    /** The number of decodable video frames (decodes without converting: the count containers report is unreliable). */
    static int countFrames(Path video) throws StageException.BadInput {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            int n = 0;
            for (Frame frame; (frame = grabber.grabImage()) != null; ) {
                if (frame.image != null) {
                    n++;
                }
            }
            grabber.stop();
            if (n == 0) {
                throw new StageException.BadInput(FailureReason.BAD_INPUT, "the video has no decodable frames");
            }
            return n;
        } catch (FrameGrabber.Exception e) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the video cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** Visits the frames in order as RGB, until the visitor says stop. */
    public static void forEachFrame(Path video, FrameVisitor visitor) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
            grabber.start();
            int index = 0;
            for (Frame frame; (frame = grabber.grabImage()) != null; ) {
                if (frame.image != null && !visitor.frame(index++, rgb(frame))) {
                    break;
                }
            }
            grabber.stop();
        } catch (FrameGrabber.Exception e) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the video cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** Straight from FFmpeg's RGB24 buffer (rows may be padded to {@code imageStride} bytes): no BufferedImage on the way. */
    private static RgbImage rgb(Frame frame) {
        ByteBuffer buffer = (ByteBuffer) frame.image[0];
        int width = frame.imageWidth;
        int height = frame.imageHeight;
        int stride = frame.imageStride;
        float[] data = new float[width * height * 3];
        byte[] row = new byte[width * 3];
        for (int y = 0; y < height; y++) {
            buffer.get(y * stride, row);
            int out = y * width * 3;
            for (int i = 0; i < row.length; i++) {
                data[out + i] = row[i] & 0xFF;
            }
        }
        return new RgbImage(width, height, data);
    }
}
