package dev.idstream.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeWindowTest {

    @Test
    void shouldContainTimesFromItsStartUpToButNotIncludingItsEnd() {
        TimeWindow window = TimeWindow.parse("2026-11-21T07:00:00Z", "1795248000000"); // the second is 2026-11-21T08:00:00Z
        assertThat(window.to()).isEqualTo(Instant.parse("2026-11-21T08:00:00Z"));
        assertThat(window.contains(Instant.parse("2026-11-21T07:00:00Z").toEpochMilli())).isTrue();
        assertThat(window.contains(Instant.parse("2026-11-21T07:59:59.999Z").toEpochMilli())).isTrue();
        assertThat(window.contains(Instant.parse("2026-11-21T08:00:00Z").toEpochMilli())).isFalse();
        assertThat(window.contains(Instant.parse("2026-11-21T06:59:59.999Z").toEpochMilli())).isFalse();
        assertThat(TimeWindow.parse(null, null).contains(0)).isTrue();
    }

    @Test
    void shouldExplainWhenATimeIsNotATimeOrTheWindowIsBackwards() {
        assertThatThrownBy(() -> TimeWindow.parse("yesterday", null))
                .hasMessage("--from 'yesterday' is not a time: give an ISO-8601 instant such as 2026-11-21T07:00:00Z, or epoch milliseconds");
        assertThatThrownBy(() -> TimeWindow.parse("2026-11-21T08:00:00Z", "2026-11-21T07:00:00Z"))
                .hasMessageContaining("must be before --to");
    }
}
