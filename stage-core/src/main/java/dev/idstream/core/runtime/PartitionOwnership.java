package dev.idstream.core.runtime;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks whether this consumer still owns the partitions of the records in flight (one, or several for a batch), and
 * keeps every partition paused while a step runs (including partitions assigned meanwhile), so polls during the step
 * return nothing. Called only on the loop thread (rebalance callbacks run inside {@code poll}).
 */
final class PartitionOwnership implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(PartitionOwnership.class);

    private final Consumer<?, ?> consumer;
    private final Set<TopicPartition> inFlight = new HashSet<>();
    private final Set<TopicPartition> lost = new HashSet<>();
    private boolean holding;

    PartitionOwnership(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    void track(Collection<TopicPartition> partitions) {
        untrack();
        inFlight.addAll(partitions);
    }

    void untrack() {
        inFlight.clear();
        lost.clear();
    }

    /**
     * False once the partition of a record in flight was revoked or lost, even if it came back since: another member may
     * have processed its records.
     */
    boolean owns(TopicPartition partition) {
        return inFlight.contains(partition) && !lost.contains(partition) && consumer.assignment().contains(partition);
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
        boolean inFlightHit = false;
        for (TopicPartition partition : partitions) {
            if (inFlight.contains(partition)) {
                lost.add(partition);
                inFlightHit = true;
                log.warn("partition {} {} while its record is in flight: its result will not be committed here", partition, how);
            }
        }
        if (!inFlightHit && !partitions.isEmpty()) {
            log.info("{} {}", how, partitions);
        }
    }
}
