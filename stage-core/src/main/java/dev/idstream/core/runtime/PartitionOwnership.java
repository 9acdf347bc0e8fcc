package dev.idstream.core.runtime;

import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks whether this consumer still owns the partition of the record in flight, and keeps every partition paused
 * while a step runs (including partitions assigned meanwhile), so polls during the step return nothing.
 * Called only on the loop thread (rebalance callbacks run inside {@code poll}).
 */
final class PartitionOwnership implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(PartitionOwnership.class);

    private final Consumer<?, ?> consumer;
    private TopicPartition inFlight;
    private boolean inFlightLost;
    private boolean holding;

    PartitionOwnership(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    void track(TopicPartition partition) {
        inFlight = partition;
        inFlightLost = false;
    }

    void untrack() {
        inFlight = null;
        inFlightLost = false;
    }

    /** False once the in-flight record's partition was revoked or lost, even if it came back since: another member may have processed it. */
    boolean ownsInFlight() {
        return inFlight != null && !inFlightLost && consumer.assignment().contains(inFlight);
    }

    TopicPartition inFlight() {
        return inFlight;
    }

    /** Pauses every assigned partition; polls keep the membership alive but fetch nothing. */
    void hold() {
        holding = true;
        consumer.pause(consumer.assignment());
    }

    void release() {
        holding = false;
        consumer.resume(consumer.paused());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        markLost(partitions, "revoked");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        markLost(partitions, "lost");
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (holding) {
            consumer.pause(partitions);
        }
        if (!partitions.isEmpty()) {
            log.info("assigned {}", partitions);
        }
    }

    private void markLost(Collection<TopicPartition> partitions, String how) {
        if (inFlight != null && partitions.contains(inFlight)) {
            inFlightLost = true;
            log.warn("partition {} {} while its record is in flight: its result will not be committed here", inFlight, how);
        } else if (!partitions.isEmpty()) {
            log.info("{} {}", how, partitions);
        }
    }
}
