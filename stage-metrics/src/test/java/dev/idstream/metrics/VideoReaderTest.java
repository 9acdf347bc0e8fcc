package dev.idstream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.face.RgbImage;
import dev.idstream.face.video.VideoReader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames come back as the encoder got them (up to H.264 loss), also at sizes where FFmpeg pads the rows. Going
 * through javacv's Java2DFrameConverter instead, the 96×64 frame differed from its source by 72 grey levels on
 * average (the faces in the pipeline's default-size videos were then not found); reading the RGB24 buffer with its
 * stride, as {@link VideoReader} does, is within 4.
 */
class VideoReaderTest {

    @TempDir
    Path dir;

    @Test
    void shouldDecodeFramesAsEncodedAtSizesWithAndWithoutPaddedRows() throws Exception {
        for (int[] size : new int[][] {{96, 64}, {150, 100}, {512, 512}}) {
            RgbImage source = Clips.image(MetricsFixture.data("portraits/d9.jpg")).resize(size[0], size[1]);
            Path clip = Clips.write(Collections.nCopies(3, source), dir.resolve(size[0] + "x" + size[1] + ".mp4"), 25);

            List<RgbImage> decoded = Clips.firstFrames(clip, 1);

            double error = meanAbsDiff(decoded.get(0), source);
            System.out.printf("%dx%d: mean |decoded - encoded| %.3f%n", size[0], size[1], error);
            assertThat(error).as("%dx%d", size[0], size[1]).isLessThan(10.0);
        }
    }

    private static double meanAbsDiff(RgbImage a, RgbImage b) {
        assertThat(a.width()).isEqualTo(b.width());
        assertThat(a.height()).isEqualTo(b.height());
        double sum = 0;
        for (int i = 0; i < a.data().length; i++) {
            sum += Math.abs(a.data()[i] - b.data()[i]);
        }
        return sum / a.data().length;
    }
}
