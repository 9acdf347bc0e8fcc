package dev.idstream.core.runtime;

import dev.idstream.events.FailureReason;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What became of one input record; the loop commits an {@link Emit} in one transaction and commits nothing for an {@link Abandon}. */
sealed interface Outcome {

    /**
     * Records to produce together with the input's offset commit.
     *
     * @param failure null when the stage succeeded, else the reason of the {@code StageFailed} among the records
     * @param stepTime time spent in validate + process (zero when the event could not even be read)
     */
    record Emit(List<ProducerRecord<String, byte[]>> records, String requestId, String traceparent,
                FailureReason failure, Duration stepTime) implements Outcome {
        boolean succeeded() {
            return failure == null;
        }
    }

    /**
     * Nothing is committed; the input will be processed again.
     *
     * @param rewind true when this consumer keeps the partition and must seek back to the input itself
     *     (false on shutdown or when the partition has moved to another consumer)
     */
    record Abandon(String why, boolean rewind) implements Outcome {}
}
