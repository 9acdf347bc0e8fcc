package dev.idstream.core.runtime;

import dev.idstream.core.Stage;
import dev.idstream.events.FailureReason;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The consume loop of one stage: poll one record, run its step on the worker thread while polling with all
 * partitions paused (so a step longer than {@code max.poll.interval.ms} keeps the membership), then emit the
 * outcome and the input offset in one transaction. Owns the consumer; runs on one thread.
 */
final class StageLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StageLoop.class);

    private final Stage<?, ?> stage;
    private final Consumer<String, byte[]> consumer;
    private final PartitionOwnership ownership;
    private final RecordProcessor<?, ?> processor;
    private final TransactionalEmitter emitter;
    private final StageEvents events;
    private final ExecutorService worker;
    private final StageMetrics metrics;
    private final RetryPolicy retryPolicy;
    private final Duration pollTimeout;
    private final Duration shutdownGrace;

    private final Poller poller;
    private volatile boolean stopping;

    StageLoop(Stage<?, ?> stage, Consumer<String, byte[]> consumer, RecordProcessor<?, ?> processor, TransactionalEmitter emitter,
              StageEvents events, ExecutorService worker, StageMetrics metrics, RetryPolicy retryPolicy,
              Duration pollTimeout, Duration shutdownGrace) {
        this.stage = stage;
        this.consumer = consumer;
        this.ownership = new PartitionOwnership(consumer);
        this.processor = processor;
        this.emitter = emitter;
        this.events = events;
        this.worker = worker;
        this.metrics = metrics;
        this.retryPolicy = retryPolicy;
        this.pollTimeout = pollTimeout;
        this.shutdownGrace = shutdownGrace;
        this.poller = new Poller(consumer, pollTimeout, metrics);
    }

    @Override
    public void run() {
        requireInputTopic();
        consumer.subscribe(List.of(stage.inputTopic()), ownership);
        while (!stopping) {
            for (ConsumerRecord<String, byte[]> record : poller.poll()) {
                if (stopping) {
                    break; // not committed, so delivered again after the restart
                }
                handle(record);
            }
        }
    }

    /** A missing input topic would leave the stage idle yet healthy-looking; fail at start with a clear message instead. */
    private void requireInputTopic() {
        List<PartitionInfo> partitions;
        try {
            partitions = consumer.partitionsFor(stage.inputTopic());
        } catch (UnknownTopicOrPartitionException e) {
            partitions = List.of();
        }
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("input topic " + stage.inputTopic() + " of stage " + stage.name()
                    + " does not exist; create the pipeline topics first (PipelineTopics.ensure)");
        }
    }

    /** Asks the loop to finish: the step in flight gets the shutdown grace, then the loop returns. */
    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    long millisSinceLastPoll() {
        return poller.millisSinceLastPoll();
    }

    int assignedPartitions() {
        return poller.assignedPartitions();
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        MDC.put("stage", stage.name());
        MDC.put("requestId", String.valueOf(record.key()));
        ownership.track(new TopicPartition(record.topic(), record.partition()));
        ownership.hold();
        try {
            Outcome outcome = runStep(record);
            if (outcome instanceof Outcome.Emit emit) {
                emit(record, emit);
            } else if (outcome instanceof Outcome.Abandon abandon) {
                abandon(record, abandon);
            }
        } finally {
            ownership.release();
            ownership.untrack();
            MDC.remove("requestId");
            MDC.remove("stage");
        }
    }

    /** Runs the step on the worker thread and polls (paused) until it is done, the partition is revoked, or shutdown grace ends. */
    private Outcome runStep(ConsumerRecord<String, byte[]> record) {
        Cancellation cancellation = new Cancellation();
        Future<Outcome> step = worker.submit(() -> processor.process(record, cancellation));
        metrics.inFlight(1);
        try {
            Long graceDeadline = null;
            while (true) {
                try {
                    return step.get(pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    // fall through: check shutdown and ownership, then poll to stay in the group
                }
                if (stopping && graceDeadline == null) {
                    cancellation.cancel("the stage is shutting down");
                    graceDeadline = System.nanoTime() + shutdownGrace.toNanos();
                }
                if (graceDeadline != null && System.nanoTime() - graceDeadline > 0) {
                    step.cancel(true);
                    return new Outcome.Abandon("the step did not finish within the shutdown grace of " + shutdownGrace, false);
                }
                if (!ownership.ownsInFlight()) {
                    cancellation.cancel("partition " + ownership.inFlight() + " was revoked");
                }
                poller.pollHeld(Duration.ZERO);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            step.cancel(true);
            return new Outcome.Abandon("interrupted", false);
        } catch (ExecutionException e) {
            // RecordProcessor classifies every failure itself; reaching this is a bug in the runtime.
            throw new IllegalStateException("step of " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " escaped classification", e.getCause());
        } finally {
            metrics.inFlight(0);
        }
    }

    /**
     * Commits the outcome with the input offset. A failed transaction is retried (with backoff, polling) for as long as
     * this consumer owns the partition; before each retry the committed offset shows whether the failed attempt had in
     * fact committed. An output that still cannot be written after the retry budget is replaced by a StageFailed, so a
     * poison output (e.g. too large) cannot block the partition.
     */
    private void emit(ConsumerRecord<String, byte[]> record, Outcome.Emit outcome) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        long nextOffset = record.offset() + 1;
        Outcome.Emit toWrite = outcome;
        for (int attempt = 1; ; attempt++) {
            if (!ownership.ownsInFlight()) {
                abandon(record, new Outcome.Abandon("partition " + partition + " was revoked before the commit", false));
                return;
            }
            if (attempt > 1) {
                OptionalLong committed = committedOffset(partition);
                if (committed.isPresent() && committed.getAsLong() >= nextOffset) {
                    log.info("the earlier attempt had committed {} after all", partition);
                    done(record, toWrite);
                    return;
                }
                if (committed.isEmpty()) {
                    if (stopping) {
                        abandon(record, new Outcome.Abandon("shutting down; the last commit's outcome is unknown", false));
                        return;
                    }
                    poller.pollHeldFor(retryPolicy.backoff(attempt), () -> stopping);
                    continue;
                }
            }
            if (emitter.commit(toWrite.records(), partition, nextOffset, consumer.groupMetadata())) {
                done(record, toWrite);
                return;
            }
            metrics.transactionAborted();
            if (stopping) {
                abandon(record, new Outcome.Abandon("shutting down after a failed commit", false));
                return;
            }
            if (attempt == retryPolicy.maxAttempts() && toWrite.succeeded()) {
                toWrite = outputUnwritable(record, toWrite);
            }
            poller.pollHeldFor(retryPolicy.backoff(attempt), () -> stopping);
        }
    }

    private void done(ConsumerRecord<String, byte[]> record, Outcome.Emit emit) {
        metrics.committed(emit);
        if (emit.succeeded()) {
            log.info("{} {}-{}@{} done in {} ms", stage.name(), record.topic(), record.partition(), record.offset(), emit.stepTime().toMillis());
        }
    }

    private Outcome.Emit outputUnwritable(ConsumerRecord<String, byte[]> record, Outcome.Emit output) {
        KafkaException cause = emitter.lastFailure();
        String message = "the output of stage " + stage.name() + " could not be written to Kafka after "
                + retryPolicy.maxAttempts() + " transactions: " + ExceptionChain.summary(cause);
        try {
            return new Outcome.Emit(List.of(
                    events.failure(output.requestId(), output.traceparent(), FailureReason.INTERNAL, message,
                            ExceptionChain.detail(cause), record)),
                    output.requestId(), output.traceparent(), FailureReason.INTERNAL, output.stepTime());
        } catch (RuntimeException e) {
            log.warn("cannot build the StageFailed event either ({}); retrying the output", e.toString());
            return output;
        }
    }

    private void abandon(ConsumerRecord<String, byte[]> record, Outcome.Abandon abandon) {
        metrics.abandoned();
        log.info("not committing {}-{}@{}: {}; it will be processed again", record.topic(), record.partition(), record.offset(), abandon.why());
        if (abandon.rewind() && ownership.ownsInFlight()) {
            consumer.seek(ownership.inFlight(), record.offset());
            poller.pollHeldFor(retryPolicy.maxBackoff(), () -> stopping); // space out attempts that fail for reasons outside the record
        }
    }

    /** Reads the committed offset (waiting for pending transactional commits); empty when it cannot be read now. */
    private OptionalLong committedOffset(TopicPartition partition) {
        try {
            OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
            return committed == null ? OptionalLong.of(-1) : OptionalLong.of(committed.offset());
        } catch (KafkaException e) {
            log.warn("cannot read the committed offset of {}: {}", partition, e.toString());
            return OptionalLong.empty();
        }
    }
}
