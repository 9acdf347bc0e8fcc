package dev.idstream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.StageException;
import dev.idstream.events.FailureReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryingTest {

    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(40));
    private final List<Duration> waits = new ArrayList<>();
    private final Retrying retrying = new Retrying(policy, (attempts, backoff, cause) -> waits.add(backoff));

    @Test
    void shouldGrowTheBackoffExponentiallyUpToTheCap() {
        for (int attempt = 1; attempt <= 6; attempt++) {
            long exponential = Math.min(10L << (attempt - 1), 40);
            assertThat(policy.backoff(attempt).toMillis()).as("attempt %d", attempt).isBetween(exponential / 2, exponential);
        }
    }

    @Test
    void shouldRetryTransientFaultsUntilTheCallSucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        String result = retrying.call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new StageException.Transient("S3 unavailable", null);
            }
            return "ok";
        }, new Cancellation());

        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(waits).hasSize(2);
    }

    @Test
    void shouldGiveUpWithTheLastCauseAfterMaxAttempts() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrying.call(() -> {
            throw new StageException.Transient("S3 unavailable (" + calls.incrementAndGet() + ")", null);
        }, new Cancellation()))
                .isInstanceOf(Retrying.RetriesExhaustedException.class)
                .hasMessageStartingWith("gave up after 4 attempts in ")
                .hasMessageEndingWith("S3 unavailable (4)")
                .hasCauseInstanceOf(StageException.Transient.class);
        assertThat(calls).hasValue(4);
    }

    @Test
    void shouldNotRetryBadInputOrOtherErrors() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrying.call(() -> {
            calls.incrementAndGet();
            throw new StageException.BadInput(FailureReason.NO_FACE, "no face");
        }, new Cancellation())).isInstanceOf(StageException.BadInput.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldStopWaitingWhenCancelled() {
        Cancellation cancellation = new Cancellation();
        Retrying slow = new Retrying(new RetryPolicy(3, Duration.ofSeconds(30), Duration.ofSeconds(30)),
                (attempts, backoff, cause) -> cancellation.cancel("shutting down"));
        long start = System.nanoTime();

        assertThatThrownBy(() -> slow.call(() -> {
            throw new StageException.Transient("down", null);
        }, cancellation)).isInstanceOf(StepCancelledException.class).hasMessageContaining("shutting down");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
