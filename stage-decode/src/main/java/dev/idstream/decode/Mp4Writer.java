package dev.idstream.decode;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Encodes RGB frames as H.264 MP4 (openh264 in javacv's default FFmpeg build), yuv420p so every player shows it. */
public final class Mp4Writer {

    private Mp4Writer() {}

    static {
        // FFmpeg prints stream details at INFO to stderr for every file; only errors belong in a stage's log.
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    }

    /** javacv's converter maps TYPE_3BYTE_BGR straight to BGR24; other layouts are redrawn first. */
    private static BufferedImage toBgr(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return image;
        }
        BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(image, 0, 0, null);
        return bgr;
    }

    public static void write(List<BufferedImage> frames, int fps, Path target) throws Exception {
        BufferedImage first = frames.get(0);
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), first.getWidth(), first.getHeight());
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setGopSize(Math.max(1, fps));
            recorder.setVideoBitrate(Math.max(200_000, first.getWidth() * first.getHeight() * fps / 4));
            recorder.start();
            for (BufferedImage frame : frames) {
                recorder.record(converter.convert(toBgr(frame)), avutil.AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        }
    }
}
