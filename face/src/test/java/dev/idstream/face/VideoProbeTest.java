package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.InputLimits;
import dev.idstream.core.StageException;
import dev.idstream.events.FailureReason;
import dev.idstream.face.video.VideoReader;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Video limits and damaged files, on a real clip (../shared/data/videos/d11.mp4: 512×512, 25 fps). */
class VideoProbeTest {

    private static final String WHAT = "the reference video";

    @TempDir
    Path dir;

    private static Path clip() {
        return SharedData.dir("videos").resolve("d11.mp4");
    }

    @Test
    void shouldDescribeAnIntactClip() throws Exception {
        VideoReader.VideoInfo info = VideoReader.probe(clip(), WHAT, InputLimits.defaults());

        assertThat(info.frameCount()).isEqualTo(VideoReader.countFrames(clip()));
        assertThat(info.width()).isPositive();
        assertThat(info.height()).isPositive();
        assertThat(info.seconds()).isGreaterThan(0);
        System.out.println("d11.mp4: " + info);
    }

    @Test
    void shouldRejectATruncatedClip() throws Exception {
        byte[] bytes = Files.readAllBytes(clip());
        for (double keep : new double[] {0.5, 0.9}) {
            Path truncated = dir.resolve("truncated-" + keep + ".mp4");
            Files.write(truncated, Arrays.copyOf(bytes, (int) (bytes.length * keep)));

            assertThatThrownBy(() -> VideoReader.probe(truncated, WHAT, InputLimits.defaults()))
                    .as("first %.0f%% of the file", keep * 100)
                    .isInstanceOfSatisfying(StageException.BadInput.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.BAD_INPUT))
                    .hasMessageStartingWith(WHAT)
                    .satisfies(e -> System.out.println("truncated to " + keep + ": " + e.getMessage()));
        }
    }

    @Test
    void shouldRejectBytesThatAreNotAVideo() throws Exception {
        Path image = dir.resolve("photo.mp4");
        Files.copy(SharedData.dir("portraits").resolve("d9.jpg"), image);
        Path text = dir.resolve("notes.mp4");
        Files.writeString(text, "this is not a video ".repeat(100));

        for (Path notVideo : new Path[] {image, text}) {
            assertThatThrownBy(() -> VideoReader.probe(notVideo, WHAT, InputLimits.defaults()))
                    .as(notVideo.toString())
                    .isInstanceOf(StageException.BadInput.class)
                    .hasMessageStartingWith(WHAT)
                    .satisfies(e -> System.out.println(notVideo.getFileName() + ": " + e.getMessage()));
        }
        Path empty = Files.createFile(dir.resolve("empty.mp4"));
        assertThatThrownBy(() -> VideoReader.probe(empty, WHAT, InputLimits.defaults())).hasMessage(WHAT + " is empty (0 bytes)");
    }

    @Test
    void shouldNameTheLimitAVideoExceeds() {
        InputLimits d = InputLimits.defaults();
        assertLimit(withVideo(d, 1000, d.maxVideoSeconds(), d.maxImageWidth(), d.maxFps()), "bytes, the limit is 1,000 bytes");
        assertLimit(withVideo(d, d.maxVideoBytes(), 1, d.maxImageWidth(), d.maxFps()), "s long, the limit is 1 s");
        assertLimit(withVideo(d, d.maxVideoBytes(), d.maxVideoSeconds(), 256, d.maxFps()), ", the limit is 256×4096");
        // a container may claim any duration: the decoded frames are counted against seconds × fps as well
        assertLimit(withVideo(d, d.maxVideoBytes(), 60, d.maxImageWidth(), 1), "frames, the limit is 60 (60 s at 1 fps)");
    }

    @Test
    void shouldAcceptAClipWhoseAudioRunsPastTheVideo() throws Exception {
        // 10 video frames (0.4 s at 25 fps) and 3 s of audio: the file lasts 3 s, its video stream declares 10 frames
        Path clip = dir.resolve("long-audio.mp4");
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(clip.toFile(), 64, 64, 1)) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(25);
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(16000);
            recorder.start();
            for (int i = 0; i < 10; i++) {
                recorder.record(grey(64, 64));
            }
            for (int i = 0; i < 30; i++) {
                recorder.recordSamples(16000, 1, ShortBuffer.wrap(new short[1600]));
            }
            recorder.stop();
        }

        VideoReader.VideoInfo info = VideoReader.probe(clip, WHAT, InputLimits.defaults());

        assertThat(info.frameCount()).isEqualTo(10);
        assertThat(info.seconds()).isGreaterThan(2);
    }

    @Test
    void shouldRejectAStreamThatGrowsPastTheImageLimitMidStream() throws Exception {
        // MPEG-TS files concatenate into one stream: 64×64 frames, then 320×320 ones
        Path small = writeTs(dir.resolve("small.ts"), 64);
        Path large = writeTs(dir.resolve("large.ts"), 320);
        Path both = dir.resolve("both.ts");
        Files.write(both, Files.readAllBytes(small));
        Files.write(both, Files.readAllBytes(large), StandardOpenOption.APPEND);
        InputLimits d = InputLimits.defaults();
        InputLimits limits = new InputLimits(d.maxImageBytes(), 256, 256, d.maxVideoBytes(), d.maxVideoSeconds(),
                d.maxPromptChars(), d.maxFrames(), d.maxSteps(), d.maxWidth(), d.maxHeight(), d.maxFps(), d.maxGuidanceScale());

        assertThat(VideoReader.probe(small, WHAT, limits).width()).isEqualTo(64);
        assertThatThrownBy(() -> VideoReader.probe(both, WHAT, limits))
                .isInstanceOfSatisfying(StageException.BadInput.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.LIMIT_EXCEEDED))
                .hasMessage(WHAT + " has a frame of 320×320 (frame 11), the limit is 256×256");
    }

    private static Path writeTs(Path target, int size) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), size, size)) {
            recorder.setFormat("mpegts");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(25);
            recorder.start();
            for (int i = 0; i < 10; i++) {
                recorder.record(grey(size, size));
            }
            recorder.stop();
        }
        return target;
    }

    private static Frame grey(int width, int height) {
        Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
        ByteBuffer pixels = (ByteBuffer) frame.image[0];
        for (int i = 0; i < pixels.capacity(); i++) {
            pixels.put(i, (byte) 128);
        }
        return frame;
    }

    private static void assertLimit(InputLimits limits, String messagePart) {
        assertThatThrownBy(() -> VideoReader.probe(clip(), WHAT, limits))
                .isInstanceOfSatisfying(StageException.BadInput.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.LIMIT_EXCEEDED))
                .hasMessageStartingWith(WHAT)
                .hasMessageContaining(messagePart);
    }

    private static InputLimits withVideo(InputLimits d, long bytes, int seconds, int width, int fps) {
        return new InputLimits(d.maxImageBytes(), width, d.maxImageHeight(), bytes, seconds, d.maxPromptChars(),
                d.maxFrames(), d.maxSteps(), d.maxWidth(), d.maxHeight(), fps, d.maxGuidanceScale());
    }
}
