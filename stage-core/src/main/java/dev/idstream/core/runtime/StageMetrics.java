package dev.idstream.core.runtime;

import dev.idstream.events.FailureReason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;

/**
 * The stage's Prometheus metrics, labelled by stage, in a registry of its own (no global state), plus the JVM's
 * (process CPU time, memory, GC, threads).
 */
final class StageMetrics {

    private final String stage;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram stepSeconds;
    private final Counter processed;
    private final Counter failed;
    private final Counter retries;
    private final Counter transactionAborts;
    private final Counter abandoned;
    private final Gauge inFlight;
    private final Gauge consumerLag;

    StageMetrics(String stage) {
        this.stage = stage;
        stepSeconds = Histogram.builder().name("idstream_stage_step_seconds").unit(Unit.SECONDS)
                .help("Time in validate + process per input, by outcome")
                // Model steps range from milliseconds (tiny models) to minutes (a full-size DiT).
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
                .labelNames("stage", "outcome").register(registry);
        processed = Counter.builder().name("idstream_stage_processed_total")
                .help("Inputs whose output event was committed").labelNames("stage").register(registry);
        failed = Counter.builder().name("idstream_stage_failed_total")
                .help("Inputs that failed with a committed StageFailed, by reason").labelNames("stage", "reason").register(registry);
        retries = Counter.builder().name("idstream_stage_retries_total")
                .help("Retries of steps that failed transiently").labelNames("stage").register(registry);
        transactionAborts = Counter.builder().name("idstream_stage_transaction_aborts_total")
                .help("Transactions that did not commit (fencing, rebalance, broker errors); the input was kept and retried")
                .labelNames("stage").register(registry);
        abandoned = Counter.builder().name("idstream_stage_abandoned_total")
                .help("Inputs left uncommitted (shutdown, revoked partition) and so processed again later").labelNames("stage").register(registry);
        inFlight = Gauge.builder().name("idstream_stage_in_flight")
                .help("Inputs being processed now").labelNames("stage").register(registry);
        consumerLag = Gauge.builder().name("idstream_stage_consumer_lag")
                .help("Records waiting in the assigned input partitions, as last seen by the consumer").labelNames("stage").register(registry);
        for (FailureReason reason : FailureReason.values()) {
            failed.labelValues(stage, reason.name()); // every reason shows as 0 from the start, so rate() works at once
        }
        processed.labelValues(stage);
        retries.labelValues(stage);
        transactionAborts.labelValues(stage);
        abandoned.labelValues(stage);
        inFlight.labelValues(stage).set(0);
        consumerLag.labelValues(stage).set(0);
        JvmMetrics.builder().register(registry);
    }

    PrometheusRegistry registry() {
        return registry;
    }

    void committed(Outcome.Emit emit) {
        if (emit.succeeded()) {
            processed.labelValues(stage).inc();
            stepSeconds.labelValues(stage, "success").observe(seconds(emit.stepTime()));
        } else {
            failed.labelValues(stage, emit.failure().name()).inc();
            stepSeconds.labelValues(stage, "failed").observe(seconds(emit.stepTime()));
        }
    }

    void retried() {
        retries.labelValues(stage).inc();
    }

    void transactionAborted() {
        transactionAborts.labelValues(stage).inc();
    }

    void abandoned() {
        abandoned.labelValues(stage).inc();
    }

    void inFlight(int count) {
        inFlight.labelValues(stage).set(count);
    }

    void consumerLag(long records) {
        consumerLag.labelValues(stage).set(records);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
