package dev.idstream.core.runtime;

import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Every poll of the stage's consumer (loop thread only). Notes when it last polled (for {@code /health}) and the
 * consumer lag (for metrics). While a record is in hand all partitions are paused, and a "held" poll only keeps the
 * group membership alive.
 */
final class Poller {

    private final Consumer<String, byte[]> consumer;
    private final Duration pollTimeout;
    private final StageMetrics metrics;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile int assignedPartitions;

    Poller(Consumer<String, byte[]> consumer, Duration pollTimeout, StageMetrics metrics) {
        this.consumer = consumer;
        this.pollTimeout = pollTimeout;
        this.metrics = metrics;
    }

    ConsumerRecords<String, byte[]> poll() {
        ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
        polled();
        return records;
    }

    /** One poll with every partition paused; returns nothing to process. */
    void pollHeld(Duration timeout) {
        ConsumerRecords<String, byte[]> unexpected = consumer.poll(timeout);
        // Paused partitions return nothing; should a record slip through anyway, hand it back for a later poll.
        for (TopicPartition partition : unexpected.partitions()) {
            consumer.seek(partition, unexpected.records(partition).get(0).offset());
        }
        polled();
    }

    /** Held polls for {@code wait}, or until {@code stop} says so. */
    void pollHeldFor(Duration wait, BooleanSupplier stop) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!stop.getAsBoolean() && System.nanoTime() - deadline < 0) {
            pollHeld(pollTimeout);
        }
    }

    long millisSinceLastPoll() {
        return (System.nanoTime() - lastPollNanos) / 1_000_000;
    }

    int assignedPartitions() {
        return assignedPartitions;
    }

    private void polled() {
        lastPollNanos = System.nanoTime();
        Set<TopicPartition> assignment = consumer.assignment();
        assignedPartitions = assignment.size();
        long lag = 0;
        for (TopicPartition partition : assignment) {
            lag += consumer.currentLag(partition).orElse(0); // local: what the last fetch learnt, no request
        }
        metrics.consumerLag(lag);
    }
}
