package dev.idstream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {

    @Test
    void shouldKeepTheTraceAndFlagsWithANewSpanWhenContinued() {
        TraceContext parent = TraceContext.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").orElseThrow();

        TraceContext child = parent.child();

        assertThat(child.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(child.flags()).isEqualTo("01");
        assertThat(child.spanId()).hasSize(16).isNotEqualTo(parent.spanId()).isNotEqualTo("0".repeat(16));
        assertThat(child.traceparent()).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "garbage",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"})
    void shouldRejectMalformedTraceparents(String value) {
        assertThat(TraceContext.parse(value)).isEmpty();
    }

    @Test
    void shouldStartASampledTraceWhenThereIsNone() {
        TraceContext root = TraceContext.newRoot();

        assertThat(TraceContext.parse(root.traceparent())).contains(root);
        assertThat(root.flags()).isEqualTo("01");
    }
}
