package dev.idstream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The geometry shared by the detector decoders, against values worked out by hand. */
class DetectorDecodingTest {

    @Test
    void shouldLayPriorsOutRowByRowWithOnePerMinSizeWhenInputIsNotSquare() {
        double[][] priors = RetinaFaceDecoder.priors(96, 128, new int[] {8, 16, 32},
                List.of(new int[] {16, 32}, new int[] {64, 128}, new int[] {256, 512}));

        assertThat(priors.length).isEqualTo(12 * 16 * 2 + 6 * 8 * 2 + 3 * 4 * 2);   // ceil(96/8) x ceil(128/8) x 2, ...
        assertThat(priors[0]).containsExactly(4, 4, 16);
        assertThat(priors[1]).containsExactly(4, 4, 32);
        assertThat(priors[2]).containsExactly(12, 4, 16);          // next column
        assertThat(priors[16 * 2]).containsExactly(4, 12, 16);     // next row
        assertThat(priors[384]).containsExactly(8, 8, 64);         // first prior of step 16
        assertThat(priors[priors.length - 1]).containsExactly(112, 80, 512);   // row 2, column 3 of step 32
    }

    @Test
    void shouldPlaceTheScaledImageCentredOrTopLeftWhenLetterboxing() {
        Affine centred = Letterbox.CENTER.imageToInput(320, 200, 160, 160);
        Affine topLeft = Letterbox.TOP_LEFT.imageToInput(320, 200, 160, 160);

        assertThat(centred.apply(0, 0)).containsExactly(0, 30);
        assertThat(centred.apply(320, 200)).containsExactly(160, 130);
        assertThat(topLeft.apply(0, 0)).containsExactly(0, 0);
        assertThat(topLeft.apply(320, 200)).containsExactly(160, 100);
        assertThat(Letterbox.CENTER.imageToInput(200, 100, 128, 96).apply(100, 50)).containsExactly(new double[] {64, 48}, within(1e-12));
    }

    @Test
    void shouldKeepTheBestOfOverlappingBoxesWhenSuppressingHard() {
        Detection best = box(0, 0, 10, 10, 0.9);
        Detection overlapping = box(1, 0, 11, 10, 0.8);    // IoU 90/110 = 0.82 with best
        Detection apart = box(20, 0, 30, 10, 0.7);
        Detection slightly = box(5, 0, 15, 10, 0.6);        // IoU 50/150 = 0.33 with best, 0 with apart

        assertThat(NonMaximumSuppression.hard(List.of(slightly, apart, overlapping, best), 0.4, 10))
                .containsExactly(best, apart, slightly);
        assertThat(NonMaximumSuppression.hard(List.of(slightly, apart, overlapping, best), 0.3, 10)).containsExactly(best, apart);
        assertThat(NonMaximumSuppression.hard(List.of(slightly, apart, overlapping, best), 0.4, 1)).containsExactly(best);
    }

    private static Detection box(double x0, double y0, double x1, double y1, double score) {
        return new Detection(x0, y0, x1, y1, score, new double[0][]);
    }
}
