package dev.idstream.core.runtime;

import dev.idstream.core.config.RuntimeSettings;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Bounded exponential backoff: attempt n waits {@code initial * 2^(n-1)}, capped, with jitter so replicas do not retry in step. */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static RetryPolicy from(RuntimeSettings settings) {
        return new RetryPolicy(settings.retryMaxAttempts(), settings.retryInitialBackoff(), settings.retryMaxBackoff());
    }

    /** Wait before attempt {@code failedAttempts + 1}: between half and all of the exponential value. */
    public Duration backoff(int failedAttempts) {
        long initial = initialBackoff.toMillis();
        long exponential = initial << Math.min(failedAttempts - 1, 30);
        long capped = Math.min(exponential <= 0 ? Long.MAX_VALUE : exponential, maxBackoff.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
    }
}
