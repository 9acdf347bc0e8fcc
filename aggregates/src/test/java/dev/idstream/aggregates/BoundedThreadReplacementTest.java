package dev.idstream.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class BoundedThreadReplacementTest {

    private final MutableClock clock = new MutableClock();
    private final BoundedThreadReplacement handler = new BoundedThreadReplacement(5, Duration.ofMinutes(10), clock);

    @Test
    void shouldShutDownWhenTheThreadFailsMoreThanFiveTimesInTenMinutes() {
        for (int i = 0; i < 5; i++) {
            assertThat(handler.handle(new IllegalStateException("boom"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(handler.handle(new IllegalStateException("boom"))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldKeepReplacingWhenFailuresAreSpreadBeyondTheWindow() {
        for (int i = 0; i < 20; i++) {
            assertThat(handler.handle(new IllegalStateException("S3 unreachable"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            clock.advance(Duration.ofMinutes(3));
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
