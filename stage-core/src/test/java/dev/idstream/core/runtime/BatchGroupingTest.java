package dev.idstream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchGroupingTest {

    @Test
    void shouldBatchEqualKeysTogetherInArrivalOrderWhenTheyArriveInterleaved() {
        assertThat(BatchGrouping.group(List.of("a", "b", "a", "b", "a"), 4))
                .containsExactly(List.of(0, 2, 4), List.of(1, 3));
    }

    @Test
    void shouldNotBatchDifferentKeysWhenNoneRepeats() {
        assertThat(BatchGrouping.group(List.of("a", "b", "c"), 4)).containsExactly(List.of(0), List.of(1), List.of(2));
    }

    @Test
    void shouldSplitAKeyIntoBatchesOfAtMostTheMaxSizeWhenItHasMoreInputs() {
        assertThat(BatchGrouping.group(List.of("a", "a", "b", "a", "a", "a"), 2))
                .containsExactly(List.of(0, 1), List.of(2), List.of(3, 4), List.of(5));
    }

    @Test
    void shouldRunEveryInputAloneWhenTheMaxSizeIsOne() {
        assertThat(BatchGrouping.group(List.of("a", "a", "a"), 1)).containsExactly(List.of(0), List.of(1), List.of(2));
    }

    @Test
    void shouldNeverBatchAnInputWhenItsKeyIsNull() {
        assertThat(BatchGrouping.group(Arrays.asList(null, "a", null, "a"), 4))
                .containsExactly(List.of(0), List.of(1, 3), List.of(2));
    }

    @Test
    void shouldCompareKeysByEqualityWhenTheyAreDistinctObjects() {
        record Shape(int frames, int width) {}
        assertThat(BatchGrouping.group(List.of(new Shape(9, 96), new Shape(9, 96), new Shape(13, 96)), 4))
                .containsExactly(List.of(0, 1), List.of(2));
    }

    @Test
    void shouldRejectAMaxSizeBelowOne() {
        assertThatThrownBy(() -> BatchGrouping.group(List.of("a"), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
