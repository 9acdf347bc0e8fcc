package dev.idstream.core.runtime;

import dev.idstream.core.Stage;
import dev.idstream.events.FailureReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The consume loop of one stage: poll one record (or, for a batching stage, the up to {@code runtime.batch.max.size}
 * records the consumer holds: never waiting for more), run the step on the worker thread while polling with all
 * partitions paused (so a step longer than {@code max.poll.interval.ms} keeps the membership), then emit the
 * outcomes and the input offsets in one transaction. Owns the consumer; runs on one thread.
 */
final class StageLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StageLoop.class);

    private final Stage<?, ?> stage;
    private final Consumer<String, byte[]> consumer;
    private final PartitionOwnership ownership;
    private final BatchProcessor<?, ?> processor;
    private final TransactionalEmitter emitter;
    private final StageEvents events;
    private final ExecutorService worker;
    private final StageMetrics metrics;
    private final RetryPolicy retryPolicy;
    private final Duration pollTimeout;
    private final Duration shutdownGrace;

    private final Poller poller;
    private volatile boolean stopping;

    StageLoop(Stage<?, ?> stage, Consumer<String, byte[]> consumer, BatchProcessor<?, ?> processor, TransactionalEmitter emitter,
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
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            poller.poll().forEach(records::add);
            if (!records.isEmpty() && !stopping) { // when stopping: not committed, so delivered again after the restart
                handle(records);
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

    /** The records one poll returned (at most the batch size): processed, then committed together. */
    private void handle(List<ConsumerRecord<String, byte[]>> records) {
        MDC.put("stage", stage.name());
        MDC.put("requestId", records.stream().map(r -> String.valueOf(r.key())).collect(Collectors.joining(",")));
        ownership.track(records.stream().map(StageLoop::partition).collect(Collectors.toCollection(LinkedHashSet::new)));
        ownership.hold();
        try {
            List<Outcome> outcomes = runStep(records);
            commit(records, outcomes);
        } finally {
            ownership.release();
            ownership.untrack();
            MDC.remove("requestId");
            MDC.remove("stage");
        }
    }

    /**
     * Runs the step on the worker thread and polls (paused) until it is done or shutdown grace ends. A record whose
     * partition is revoked meanwhile is cancelled alone; the others of a batch go on.
     */
    private List<Outcome> runStep(List<ConsumerRecord<String, byte[]>> records) {
        List<Cancellation> cancellations = records.stream().map(r -> new Cancellation()).toList();
        Future<List<Outcome>> step = worker.submit(() -> processor.process(records, cancellations));
        metrics.inFlight(records.size());
        try {
            Long graceDeadline = null;
            while (true) {
                try {
                    return step.get(pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    // fall through: check shutdown and ownership, then poll to stay in the group
                }
                if (stopping && graceDeadline == null) {
                    cancellations.forEach(c -> c.cancel("the stage is shutting down"));
                    graceDeadline = System.nanoTime() + shutdownGrace.toNanos();
                }
                if (graceDeadline != null && System.nanoTime() - graceDeadline > 0) {
                    step.cancel(true);
                    return abandonAll(records, "the step did not finish within the shutdown grace of " + shutdownGrace);
                }
                for (int i = 0; i < records.size(); i++) {
                    TopicPartition partition = partition(records.get(i));
                    if (!ownership.owns(partition)) {
                        cancellations.get(i).cancel("partition " + partition + " was revoked");
                    }
                }
                poller.pollHeld(Duration.ZERO);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            step.cancel(true);
            return abandonAll(records, "interrupted");
        } catch (ExecutionException e) {
            // RecordProcessor classifies every failure itself; reaching this is a bug in the runtime.
            ConsumerRecord<String, byte[]> first = records.get(0);
            throw new IllegalStateException("step of " + first.topic() + "-" + first.partition() + "@" + first.offset()
                    + " escaped classification", e.getCause());
        } finally {
            metrics.inFlight(0);
        }
    }

    private static List<Outcome> abandonAll(List<ConsumerRecord<String, byte[]>> records, String why) {
        return records.stream().map(r -> (Outcome) new Outcome.Abandon(why, false)).toList();
    }

    /**
     * Commits what may be committed ({@link CommitPlan}): one record through {@link #emit}, several in one transaction
     * ({@link #emitTogether}); then leaves the rest uncommitted and reads their partitions again from the first of them.
     */
    private void commit(List<ConsumerRecord<String, byte[]>> records, List<Outcome> outcomes) {
        CommitPlan plan = CommitPlan.of(records, outcomes, ownership::owns);
        if (plan.committable().size() == 1) {
            int i = plan.committable().get(0);
            emit(records.get(i), (Outcome.Emit) outcomes.get(i));
        } else if (!plan.committable().isEmpty()) {
            emitTogether(records, outcomes, plan);
        }
        boolean spaceOut = false;
        for (Map.Entry<Integer, Outcome.Abandon> left : plan.left().entrySet()) {
            ConsumerRecord<String, byte[]> record = records.get(left.getKey());
            metrics.abandoned();
            log.info("not committing {}-{}@{}: {}; it will be processed again", record.topic(), record.partition(), record.offset(),
                    left.getValue().why());
            spaceOut |= left.getValue().rewind();
        }
        plan.rewinds().forEach((partition, offset) -> {
            if (ownership.owns(partition)) {
                consumer.seek(partition, offset);
            }
        });
        if (spaceOut && !plan.rewinds().isEmpty()) {
            poller.pollHeldFor(retryPolicy.maxBackoff(), () -> stopping); // space out attempts that fail for reasons outside the record
        }
    }

    /**
     * Commits the outcomes of several records and their offsets (across partitions) in one transaction, retried like
     * {@link #emit}. When the retry budget is spent, each record is committed on its own instead, so a poison output
     * (e.g. too large) is found and replaced by a StageFailed without failing the others.
     */
    private void emitTogether(List<ConsumerRecord<String, byte[]>> records, List<Outcome> outcomes, CommitPlan plan) {
        List<ProducerRecord<String, byte[]>> toWrite = plan.producerRecords(outcomes);
        Map<TopicPartition, Long> nextOffsets = plan.nextOffsets(records);
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1) {
                Optional<Boolean> committed = committedAll(nextOffsets);
                if (committed.isPresent() && committed.get()) {
                    log.info("the earlier attempt had committed {} after all", nextOffsets.keySet());
                    plan.committable().forEach(i -> done(records.get(i), (Outcome.Emit) outcomes.get(i)));
                    return;
                }
                if (committed.isEmpty()) {
                    if (stopping) {
                        leaveUncommitted(records, plan, "shutting down; the last commit's outcome is unknown");
                        return;
                    }
                    poller.pollHeldFor(retryPolicy.backoff(attempt), () -> stopping);
                    continue;
                }
                if (attempt > retryPolicy.maxAttempts()) {
                    break; // known not committed, budget spent: one by one
                }
            }
            if (!nextOffsets.keySet().stream().allMatch(ownership::owns)) {
                break; // known not committed, a partition lost: one by one, its records left and the others committed
            }
            if (emitter.commit(toWrite, nextOffsets, consumer.groupMetadata())) {
                plan.committable().forEach(i -> done(records.get(i), (Outcome.Emit) outcomes.get(i)));
                return;
            }
            metrics.transactionAborted();
            if (stopping) {
                leaveUncommitted(records, plan, "shutting down after a failed commit");
                return;
            }
            poller.pollHeldFor(retryPolicy.backoff(attempt), () -> stopping);
        }
        log.warn("committing {} records together failed; committing them one by one", plan.committable().size());
        Set<TopicPartition> blocked = new HashSet<>();
        for (int i : plan.committable()) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            TopicPartition partition = partition(record);
            if (blocked.contains(partition)) {
                metrics.abandoned();
                log.info("not committing {}-{}@{}: an earlier record of its partition was not committed; it will be processed again",
                        record.topic(), record.partition(), record.offset());
            } else if (!emit(record, (Outcome.Emit) outcomes.get(i))) {
                blocked.add(partition);
            }
        }
    }

    private void leaveUncommitted(List<ConsumerRecord<String, byte[]>> records, CommitPlan plan, String why) {
        plan.committable().forEach(i -> abandon(records.get(i), new Outcome.Abandon(why, false)));
    }

    /** Whether every partition's committed offset has reached its target; empty when it cannot be read now. */
    private Optional<Boolean> committedAll(Map<TopicPartition, Long> nextOffsets) {
        boolean all = true;
        for (Map.Entry<TopicPartition, Long> target : nextOffsets.entrySet()) {
            OptionalLong committed = committedOffset(target.getKey());
            if (committed.isEmpty()) {
                return Optional.empty();
            }
            all &= committed.getAsLong() >= target.getValue();
        }
        return Optional.of(all);
    }

    /**
     * Commits the outcome with the input offset. A failed transaction is retried (with backoff, polling) for as long as
     * this consumer owns the partition; before each retry the committed offset shows whether the failed attempt had in
     * fact committed. An output that still cannot be written after the retry budget is replaced by a StageFailed, so a
     * poison output (e.g. too large) cannot block the partition.
     *
     * @return whether the record is committed (else it is left, to be processed again)
     */
    private boolean emit(ConsumerRecord<String, byte[]> record, Outcome.Emit outcome) {
        TopicPartition partition = partition(record);
        long nextOffset = record.offset() + 1;
        Outcome.Emit toWrite = outcome;
        for (int attempt = 1; ; attempt++) {
            if (!ownership.owns(partition)) {
                abandon(record, new Outcome.Abandon("partition " + partition + " was revoked before the commit", false));
                return false;
            }
            if (attempt > 1) {
                OptionalLong committed = committedOffset(partition);
                if (committed.isPresent() && committed.getAsLong() >= nextOffset) {
                    log.info("the earlier attempt had committed {} after all", partition);
                    done(record, toWrite);
                    return true;
                }
                if (committed.isEmpty()) {
                    if (stopping) {
                        abandon(record, new Outcome.Abandon("shutting down; the last commit's outcome is unknown", false));
                        return false;
                    }
                    poller.pollHeldFor(retryPolicy.backoff(attempt), () -> stopping);
                    continue;
                }
            }
            if (emitter.commit(toWrite.records(), partition, nextOffset, consumer.groupMetadata())) {
                done(record, toWrite);
                return true;
            }
            metrics.transactionAborted();
            if (stopping) {
                abandon(record, new Outcome.Abandon("shutting down after a failed commit", false));
                return false;
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
        if (abandon.rewind() && ownership.owns(partition(record))) {
            consumer.seek(partition(record), record.offset());
            poller.pollHeldFor(retryPolicy.maxBackoff(), () -> stopping); // space out attempts that fail for reasons outside the record
        }
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
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
