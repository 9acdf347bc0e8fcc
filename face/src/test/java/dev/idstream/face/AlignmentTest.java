package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AlignmentTest {

    @Test
    void shouldRecoverSimilarityWhenPointsAreRotatedScaledAndShifted() {
        double[][] src = {{10, 10}, {40, 12}, {25, 30}, {14, 45}, {36, 44}};
        double angle = Math.toRadians(20);
        double scale = 2.5;
        double[][] dst = new double[5][];
        for (int i = 0; i < 5; i++) {
            dst[i] = new double[] {scale * (Math.cos(angle) * src[i][0] - Math.sin(angle) * src[i][1]) + 7,
                    scale * (Math.sin(angle) * src[i][0] + Math.cos(angle) * src[i][1]) - 3};
        }

        Affine a = FaceAligner.similarity(src, dst);

        assertThat(a.scale()).isCloseTo(scale, within(1e-9));
        for (int i = 0; i < 5; i++) {
            assertThat(a.apply(src[i][0], src[i][1])[0]).isCloseTo(dst[i][0], within(1e-9));
            assertThat(a.apply(src[i][0], src[i][1])[1]).isCloseTo(dst[i][1], within(1e-9));
        }
    }

    @Test
    void shouldPutFivePointsOnTemplateWhenAligningAtRequestedSizes() {
        RgbImage image = SharedData.image(SharedData.dir("portraits").resolve("d9.jpg"));
        AnalyzedFace face = FaceToolkitFixture.analyzer().analyzeLargest(image).orElseThrow();
        for (int size : new int[] {112, 150, 512}) {
            RgbImage crop = FaceAligner.align(image, face.fivePoints(), AlignmentTemplate.ARCFACE, size);
            assertThat(crop.width()).isEqualTo(size);
            // the face found again in the aligned crop has its eyes where the template puts them
            AnalyzedFace again = FaceToolkitFixture.analyzer().analyzeLargestWithRetry(crop).orElseThrow();
            double[][] expected = AlignmentTemplate.ARCFACE.scaled(size);
            for (int i = 0; i < 2; i++) {
                assertThat(again.fivePoints().points()[i][0]).as("eye %d x at %d", i, size).isCloseTo(expected[i][0], within(size * 0.03));
                assertThat(again.fivePoints().points()[i][1]).as("eye %d y at %d", i, size).isCloseTo(expected[i][1], within(size * 0.03));
            }
        }
    }
}
