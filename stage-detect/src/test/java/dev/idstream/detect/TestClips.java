package dev.idstream.detect;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Writes test clips (H.264 MP4 via javacv), e.g. a clip without faces, or one with its index at the front. */
final class TestClips {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private TestClips() {
    }

    /**
     * @param framesPerImage each image is shown for this many frames
     * @param fastStart      index (moov) before the frames, as streaming MP4s have it: a truncated file still opens
     */
    static Path write(List<BufferedImage> images, int framesPerImage, int size, boolean fastStart, Path target) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), size, size);
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(25);
            recorder.setVideoBitrate(size * size * 25);
            if (fastStart) {
                recorder.setOption("movflags", "faststart");
            }
            recorder.start();
            for (BufferedImage image : images) {
                BufferedImage frame = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
                frame.getGraphics().drawImage(image, 0, 0, size, size, null);
                for (int i = 0; i < framesPerImage; i++) {
                    recorder.record(converter.convert(frame), avutil.AV_PIX_FMT_BGR24);
                }
            }
            recorder.stop();
        }
        return target;
    }
}
