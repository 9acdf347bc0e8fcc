package dev.idstream.metrics;

import dev.idstream.face.Affine;
import dev.idstream.face.RgbImage;
import dev.idstream.face.video.VideoReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Test clips: H.264 MP4 files written with javacv, as the decode stage writes them (high bitrate). */
final class Clips {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private Clips() {
    }

    static RgbImage image(Path file) {
        try {
            return RgbImage.of(ImageIO.read(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static Path write(List<RgbImage> frames, Path target, int fps) throws Exception {
        RgbImage first = frames.get(0);
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), first.width(), first.height());
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setVideoBitrate(first.width() * first.height() * fps * 2);
            recorder.start();
            for (RgbImage frame : frames) {
                recorder.record(converter.convert(bgr(frame.toBufferedImage())), avutil.AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        }
        return target;
    }

    /** A clip whose content moves by (dx, dy) pixels per frame: a window sliding over {@code source} the other way. */
    static List<RgbImage> panning(RgbImage source, int size, int frames, double dx, double dy) {
        double startX = (source.width() - size) / 2.0 + dx * frames / 2.0;
        double startY = (source.height() - size) / 2.0 + dy * frames / 2.0;
        List<RgbImage> out = new ArrayList<>();
        for (int t = 0; t < frames; t++) {
            out.add(source.crop(new Affine(1, 0, startX - dx * t, 0, 1, startY - dy * t), size, size, 127f));
        }
        return out;
    }

    /** The first {@code n} frames of a clip. */
    static List<RgbImage> firstFrames(Path video, int n) throws Exception {
        List<RgbImage> frames = new ArrayList<>();
        VideoReader.forEachFrame(video, (index, image) -> {
            frames.add(image);
            return frames.size() < n;
        });
        return frames;
    }

    private static BufferedImage bgr(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        out.getGraphics().drawImage(image, 0, 0, null);
        return out;
    }
}
