package dev.idstream.face.video;

import dev.idstream.core.InputLimits;
import dev.idstream.core.StageException;
import dev.idstream.events.FailureReason;
import dev.idstream.face.RgbImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes a video file with FFmpeg (javacv), frame by frame, so a long clip never sits in memory at once. Shared by
 * the metrics stage (scoring) and the detect stage (multi-view face collection).
 */
public final class VideoReader {

    static {
        // FFmpeg prints stream details at INFO to stderr for every file; only errors belong in a stage's log.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    /** Decoded frames may fall this far short of what the video stream declares before the file counts as truncated. */
    private static final double TRUNCATION_TOLERANCE = 0.9;

    /**
     * FFmpeg demuxers a reference video may use. FFmpeg also "decodes" a JPEG (jpeg_pipe) or a text file (tty) as a
     * one-frame video: those are not accepted.
     */
    private static final List<String> VIDEO_DEMUXERS = List.of("mov", "mp4", "matroska", "webm", "avi", "mpegts", "mpeg", "flv", "ogg", "asf");
    private static final String ACCEPTED_CONTAINERS = "MP4/MOV, Matroska/WebM, AVI, MPEG-TS/PS, FLV, Ogg, ASF";
    private static final Pattern FFMPEG_ERROR = Pattern.compile("error (-?\\d+)");

    public interface FrameVisitor {
        /** @return false to stop reading */
        boolean frame(int index, RgbImage image) throws Exception;
    }

    /**
     * What {@link #probe} learned about a video.
     *
     * @param seconds the container's duration (0 when it declares none)
     */
    public record VideoInfo(int frameCount, int width, int height, double seconds, double fps) {}

    private VideoReader() {
    }

    /** The number of decodable video frames (decodes without converting: the count containers report is unreliable). */
    public static int countFrames(Path video) throws StageException.BadInput {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.setImageMode(FrameGrabber.ImageMode.RAW);
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

    /**
     * Checks a video against the input limits before any frame is converted, then counts its frames: bytes
     * ({@code maxVideoBytes}), frame size (a frame is an image: {@code maxImageWidth × maxImageHeight}), declared
     * duration ({@code maxVideoSeconds}), and decoded frames (at most {@code maxVideoSeconds × maxFps}, whatever the
     * container claims). A file that decodes to clearly fewer frames than its video stream declares is truncated (checked
     * only when the stream declares a count: Matroska/WebM, for one, often does not).
     *
     * @param what how messages name the video, e.g. "the reference video"
     */
    public static VideoInfo probe(Path video, String what, InputLimits limits) throws StageException.BadInput {
        long bytes = size(video, what);
        if (bytes == 0) {
            throw bad(FailureReason.BAD_INPUT, what + " is empty (0 bytes)");
        }
        if (bytes > limits.maxVideoBytes()) {
            throw bad(FailureReason.LIMIT_EXCEEDED, String.format("%s is %,d bytes, the limit is %,d bytes", what, bytes, limits.maxVideoBytes()));
        }
        long maxFrames = (long) limits.maxVideoSeconds() * limits.maxFps();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.setImageMode(FrameGrabber.ImageMode.RAW); // counting and size checks need no BGR conversion
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                throw bad(FailureReason.BAD_INPUT, what + " cannot be opened as a video (" + ffmpegError(e)
                        + "): the file is truncated, damaged or not a video");
            }
            String container = grabber.getFormat();
            if (!isVideoContainer(container)) {
                throw bad(FailureReason.BAD_INPUT, what + " is not a video: FFmpeg reads it as '" + container
                        + "' (accepted: " + ACCEPTED_CONTAINERS + ")");
            }
            int width = grabber.getImageWidth();
            int height = grabber.getImageHeight();
            if (width <= 0 || height <= 0) {
                throw bad(FailureReason.BAD_INPUT, what + " has no video stream");
            }
            if (width > limits.maxImageWidth() || height > limits.maxImageHeight()) {
                throw bad(FailureReason.LIMIT_EXCEEDED, what + " is " + width + "×" + height + ", the limit is "
                        + limits.maxImageWidth() + "×" + limits.maxImageHeight());
            }
            double seconds = grabber.getLengthInTime() / 1e6;
            if (seconds > limits.maxVideoSeconds()) {
                throw bad(FailureReason.LIMIT_EXCEEDED, String.format("%s is %.1f s long, the limit is %d s", what, seconds, limits.maxVideoSeconds()));
            }
            // the video stream's own count: javacv's getLengthInVideoFrames() estimates from the whole file's
            // duration (audio included) × frame rate, which is wrong for long audio or variable frame rates
            long declared = grabber.getFormatContext().streams(grabber.getVideoStream()).nb_frames();
            int frames = 0;
            try {
                for (Frame frame; (frame = grabber.grabImage()) != null; ) {
                    if (frame.image == null) {
                        continue;
                    }
                    if (++frames > maxFrames) {
                        throw bad(FailureReason.LIMIT_EXCEEDED, String.format("%s has more than %,d frames, the limit is %,d"
                                + " (%d s at %d fps)", what, maxFrames, maxFrames, limits.maxVideoSeconds(), limits.maxFps()));
                    }
                    // a stream may switch resolution mid-stream: every frame is held to the limits, not just the first
                    if (frame.imageWidth > limits.maxImageWidth() || frame.imageHeight > limits.maxImageHeight()) {
                        throw bad(FailureReason.LIMIT_EXCEEDED, what + " has a frame of " + frame.imageWidth + "×" + frame.imageHeight
                                + " (frame " + frames + "), the limit is " + limits.maxImageWidth() + "×" + limits.maxImageHeight());
                    }
                }
            } catch (FrameGrabber.Exception e) {
                throw bad(FailureReason.BAD_INPUT, what + " cannot be decoded after frame " + frames + " (" + e.getMessage()
                        + "): the file is truncated or corrupt");
            }
            if (frames == 0) {
                throw bad(FailureReason.BAD_INPUT, what + " has no decodable frames: the file is truncated or corrupt");
            }
            if (declared > 0 && frames < TRUNCATION_TOLERANCE * declared) {
                throw bad(FailureReason.BAD_INPUT, what + " decodes to " + frames + " frames but its video stream declares "
                        + declared + ": the file is truncated or corrupt");
            }
            return new VideoInfo(frames, width, height, seconds, grabber.getFrameRate());
        } catch (FrameGrabber.Exception e) {
            throw bad(FailureReason.BAD_INPUT, what + " cannot be read: " + e.getMessage());
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

    private static boolean isVideoContainer(String demuxer) {
        return demuxer != null && Arrays.stream(demuxer.split(",")).anyMatch(VIDEO_DEMUXERS::contains);
    }

    /** FFmpeg's own words for the error code in javacv's message ("Invalid data found when processing input"). */
    private static String ffmpegError(FrameGrabber.Exception e) {
        Matcher m = FFMPEG_ERROR.matcher(String.valueOf(e.getMessage()));
        if (!m.find()) {
            return String.valueOf(e.getMessage());
        }
        byte[] text = new byte[256];
        avutil.av_strerror(Integer.parseInt(m.group(1)), text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return "FFmpeg: " + new String(text, 0, end, StandardCharsets.UTF_8);
    }

    private static long size(Path video, String what) throws StageException.BadInput {
        try {
            return Files.size(video);
        } catch (IOException e) {
            throw bad(FailureReason.BAD_INPUT, what + " cannot be read: " + e.getMessage());
        }
    }

    private static StageException.BadInput bad(FailureReason reason, String message) {
        return new StageException.BadInput(reason, message);
    }
}
