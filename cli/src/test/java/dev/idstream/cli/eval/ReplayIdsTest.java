package dev.idstream.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayIdsTest {

    @Test
    void shouldGiveTheSameRequestIdsForTheSameRunOnly() {
        ReplayIds run = new ReplayIds("run-1");
        assertThat(run.requestId("a")).isEqualTo(new ReplayIds("run-1").requestId("a")).isNotEqualTo(run.requestId("b"));
        assertThat(run.requestId("a")).isNotEqualTo(new ReplayIds("run-2").requestId("a"));
    }
}
