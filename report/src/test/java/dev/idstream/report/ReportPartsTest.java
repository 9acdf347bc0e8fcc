package dev.idstream.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.idstream.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small parts: statistics, plot geometry, number formats, the per-frame artifact. */
class ReportPartsTest {

    @Test
    void shouldComputeTheSampleStandardDeviationAndNoStatisticsWithoutValues() {
        ScoreStats s = ScoreStats.of(List.of(1.0, 2.0, 3.0, 4.0));

        assertThat(s.n()).isEqualTo(4);
        assertThat(s.mean()).isEqualTo(2.5);
        assertThat(s.stddev()).isCloseTo(Math.sqrt(5.0 / 3.0), within(1e-12));
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(4.0);
        assertThat(ScoreStats.of(List.of(0.7)).stddev()).isZero();
        assertThat(ScoreStats.of(List.<Double>of())).isNull();
    }

    @Test
    void shouldNameAProblemByItsExceptionClassWhenTheExceptionHasNoMessage() {
        assertThat(ArtifactVideoMedia.message(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
        assertThat(ArtifactVideoMedia.message(new IllegalStateException("no frames were sampled"))).isEqualTo("no frames were sampled");
    }

    @Test
    void shouldInterpolateQuantilesLikeNumpy() {
        double[] sorted = {1, 2, 4, 8};
        // numpy.quantile([1, 2, 4, 8], [0.25, 0.5, 0.75]) = [1.75, 3.0, 5.0]
        assertThat(DistributionPlot.quantile(sorted, 0.25)).isEqualTo(1.75);
        assertThat(DistributionPlot.quantile(sorted, 0.5)).isEqualTo(3.0);
        assertThat(DistributionPlot.quantile(sorted, 0.75)).isEqualTo(5.0);
        assertThat(DistributionPlot.quantile(new double[] {0.4}, 0.75)).isEqualTo(0.4);
    }

    @Test
    void shouldPutTheAxisOnRoundNumbersThatCoverTheData() {
        DistributionPlot.Axis axis = DistributionPlot.Axis.covering(0.8123, 0.9987);

        assertThat(axis.step()).isEqualTo(0.05);
        assertThat(axis.min()).isCloseTo(0.8, within(1e-12));
        assertThat(axis.max()).isCloseTo(1.0, within(1e-12));
        assertThat(axis.ticks()).hasSize(5);
        assertThat(axis.format(0.85)).isEqualTo("0.85");
        DistributionPlot.Axis constant = DistributionPlot.Axis.covering(3.0, 3.0);
        assertThat(constant.min()).isLessThan(3.0);
        assertThat(constant.max()).isGreaterThan(3.0);
    }

    @Test
    void shouldSayNotMeasuredInsteadOfDrawingAnEmptyPlot() {
        String svg = DistributionPlot.svg("RS", List.of(new DistributionPlot.Series("<v1>", new double[0], "#000")));

        assertThat(svg).contains("not measured").doesNotContain("<circle").doesNotContain("<v1>");
    }

    @Test
    void shouldPrintScoresWithDecimalsThatFitTheirScale() {
        assertThat(Numbers.value(0.98765)).isEqualTo("0.988");
        assertThat(Numbers.value(142.46)).isEqualTo("142.5");
        assertThat(Numbers.value(0.0013456)).isEqualTo("0.00135");
        assertThat(Numbers.value((Double) null)).isEqualTo("—");
        assertThat(Numbers.value(Double.NaN)).isEqualTo("—");
        assertThat(Numbers.spread(0.00134, 0.0015432)).isEqualTo("0.00154");
        assertThat(Numbers.spread(8.884, 2.82149)).isEqualTo("2.821");
    }

    @Test
    void shouldNameTheMissingTensorOfAPerFrameArtifact() {
        Map<String, Tensor> tensors = Map.of("frameIndex", Tensor.ofInts(new long[] {1}, new int[] {0}));

        assertThatThrownBy(() -> PerFrameValues.of(tensors))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the per-frame artifact has no 'hasFace' tensor");
    }
}
