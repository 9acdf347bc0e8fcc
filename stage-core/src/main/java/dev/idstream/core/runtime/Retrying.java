package dev.idstream.core.runtime;

import dev.idstream.core.StageException;
import java.time.Duration;

/**
 * The one retry mechanism: runs a call and retries it on {@link StageException.Transient} with the policy's
 * backoff. Other exceptions pass straight through. The wait ends early when the step is cancelled.
 */
final class Retrying {

    interface Call<T> {
        T call() throws Exception;
    }

    interface Listener {
        void retrying(int failedAttempts, Duration backoff, StageException.Transient cause);
    }

    /** Polling interval of the cancellation flag while backing off. */
    private static final long CANCEL_CHECK_MILLIS = 50;

    private final RetryPolicy policy;
    private final Listener listener;

    Retrying(RetryPolicy policy, Listener listener) {
        this.policy = policy;
        this.listener = listener;
    }

    /**
     * @throws RetriesExhaustedException when every attempt failed transiently
     * @throws StepCancelledException when cancelled while waiting to retry
     */
    <T> T call(Call<T> call, Cancellation cancellation) throws Exception {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (StageException.Transient e) {
                if (attempt >= policy.maxAttempts()) {
                    throw new RetriesExhaustedException(attempt, Duration.ofNanos(System.nanoTime() - start), e);
                }
                Duration wait = policy.backoff(attempt);
                listener.retrying(attempt, wait, e);
                sleep(wait, cancellation);
            }
        }
    }

    private static void sleep(Duration wait, Cancellation cancellation) throws InterruptedException, StepCancelledException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (cancellation.isCancelled()) {
                throw new StepCancelledException(cancellation.reason());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(CANCEL_CHECK_MILLIS, Math.max(1, left / 1_000_000)));
        }
    }

    /** Every attempt failed transiently; carries the last fault. */
    static final class RetriesExhaustedException extends Exception {
        private final int attempts;
        private final Duration elapsed;

        RetriesExhaustedException(int attempts, Duration elapsed, StageException.Transient last) {
            super("gave up after " + attempts + " attempts in " + elapsed.toMillis() + " ms: " + last.getMessage(), last);
            this.attempts = attempts;
            this.elapsed = elapsed;
        }

        int attempts() {
            return attempts;
        }

        Duration elapsed() {
            return elapsed;
        }
    }
}
