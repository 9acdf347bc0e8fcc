package dev.idstream.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How one stage process runs: its identity, retries of transient faults, polling and shutdown timing,
 * and the port of its {@code /metrics} + {@code /health} endpoint.
 *
 * @param instanceId stable name of this replica; part of the transactional id, so it must differ between replicas
 *     of a stage and stay the same across restarts of one (a restart then fences its own unfinished transaction at once)
 * @param retryMaxAttempts attempts of a step that fails transiently, the first included
 * @param retryInitialBackoff wait after the first transient failure; doubles per attempt
 * @param retryMaxBackoff upper bound of the wait
 * @param pollTimeout longest a single {@code poll} blocks; also the heartbeat of the loop while a step runs
 * @param shutdownGrace how long shutdown waits for an in-flight step before abandoning it (it is then redelivered)
 * @param httpPort port of {@code /metrics} and {@code /health}; 0 picks a free one
 * @param batchMaxSize most inputs a batching stage ({@link dev.idstream.core.BatchingStage}) runs together, from what
 *     one poll returns (never waiting for more); 1 turns batching off; other stages ignore it
 */
public record RuntimeSettings(
        String instanceId,
        int retryMaxAttempts,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff,
        Duration pollTimeout,
        Duration shutdownGrace,
        int httpPort,
        int batchMaxSize) {

    public static final int DEFAULT_BATCH_MAX_SIZE = 4;
    /** Bounds memory: a batch holds every input's tensors at once. */
    public static final int LARGEST_BATCH_MAX_SIZE = 64;

    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public RuntimeSettings {
        require(instanceId != null && INSTANCE_ID.matcher(instanceId).matches(),
                "runtime.instance.id must match " + INSTANCE_ID + ", was '" + instanceId + "'");
        require(retryMaxAttempts >= 1, "runtime.retry.max.attempts must be at least 1, was " + retryMaxAttempts);
        require(positive(retryInitialBackoff), "runtime.retry.initial.backoff.ms must be positive, was " + retryInitialBackoff);
        require(retryMaxBackoff != null && retryMaxBackoff.compareTo(retryInitialBackoff) >= 0,
                "runtime.retry.max.backoff.ms must be at least the initial backoff " + retryInitialBackoff + ", was " + retryMaxBackoff);
        require(positive(pollTimeout), "runtime.poll.timeout.ms must be positive, was " + pollTimeout);
        require(shutdownGrace != null && !shutdownGrace.isNegative(), "runtime.shutdown.grace.ms must not be negative, was " + shutdownGrace);
        require(httpPort >= 0 && httpPort <= 65535, "runtime.http.port must be 0 (any free port) to 65535, was " + httpPort);
        require(batchMaxSize >= 1 && batchMaxSize <= LARGEST_BATCH_MAX_SIZE,
                "runtime.batch.max.size must be 1 (no batching) to " + LARGEST_BATCH_MAX_SIZE + ", was " + batchMaxSize);
    }

    /** Settings with the default batch size. */
    public RuntimeSettings(String instanceId, int retryMaxAttempts, Duration retryInitialBackoff, Duration retryMaxBackoff,
                           Duration pollTimeout, Duration shutdownGrace, int httpPort) {
        this(instanceId, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, pollTimeout, shutdownGrace, httpPort,
                DEFAULT_BATCH_MAX_SIZE);
    }

    /** 5 attempts with 200 ms → 10 s backoff, 200 ms polls, 30 s shutdown grace, HTTP on a free port, batches of up to 4. */
    public static RuntimeSettings defaults(String instanceId) {
        return new RuntimeSettings(instanceId, 5, Duration.ofMillis(200), Duration.ofSeconds(10),
                Duration.ofMillis(200), Duration.ofSeconds(30), 0);
    }

    /** The host name (stable per pod or machine), or "local" when it cannot be resolved; made safe for a transactional id. */
    public static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "local";
            }
        }
        String safe = host.replaceAll("[^A-Za-z0-9._-]", "-");
        return safe.length() > 100 ? safe.substring(0, 100) : safe;
    }

    public RuntimeSettings withRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new RuntimeSettings(instanceId, maxAttempts, initialBackoff, maxBackoff, pollTimeout, shutdownGrace, httpPort, batchMaxSize);
    }

    public RuntimeSettings withShutdownGrace(Duration grace) {
        return new RuntimeSettings(instanceId, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, pollTimeout, grace, httpPort, batchMaxSize);
    }

    public RuntimeSettings withInstanceId(String id) {
        return new RuntimeSettings(id, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, pollTimeout, shutdownGrace, httpPort, batchMaxSize);
    }

    public RuntimeSettings withBatchMaxSize(int size) {
        return new RuntimeSettings(instanceId, retryMaxAttempts, retryInitialBackoff, retryMaxBackoff, pollTimeout, shutdownGrace,
                httpPort, size);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }
}
