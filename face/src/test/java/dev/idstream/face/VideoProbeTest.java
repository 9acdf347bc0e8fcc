package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.InputLimits;
import dev.idstream.core.StageException;
import dev.idstream.events.FailureReason;
import dev.idstream.face.video.VideoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
