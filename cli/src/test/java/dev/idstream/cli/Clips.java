package dev.idstream.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Test clips made from the shared ones. */
final class Clips {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private Clips() {}

    /** Writes the first frame of {@code video} as a PNG: a reference of the very person in the clip. */
    static Path firstFrame(Path video, Path png) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            BufferedImage image = converter.convert(grabber.grabImage());
            ImageIO.write(image, "png", png.toFile());
            grabber.stop();
        }
        return png;
    }

    /** The first {@code frames} frames of {@code video} as an H.264 MP4: a short real clip, cheap to score. */
    static Path head(Path video, int frames, Path target) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), grabber.getImageWidth(), grabber.getImageHeight())) {
                recorder.setFormat("mp4");
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
                recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                recorder.setFrameRate(grabber.getFrameRate());
                recorder.setVideoBitrate(grabber.getImageWidth() * grabber.getImageHeight() * 50);
                recorder.start();
                int written = 0;
                for (Frame frame; written < frames && (frame = grabber.grabImage()) != null; written++) {
                    recorder.record(frame);
                }
                recorder.stop();
            }
            grabber.stop();
        }
        return target;
    }
}
