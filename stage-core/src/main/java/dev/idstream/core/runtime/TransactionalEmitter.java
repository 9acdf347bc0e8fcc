package dev.idstream.core.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces records and commits the input offset in one Kafka transaction. On failure it leaves the producer ready
 * for the next transaction: it aborts, or (when the producer can no longer be used, e.g. it was fenced) replaces it;
 * a new producer's {@code initTransactions} also settles whatever the old one left open.
 */
final class TransactionalEmitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransactionalEmitter.class);

    private final Supplier<Producer<String, byte[]>> factory;
    private Producer<String, byte[]> producer;
    private KafkaException lastFailure;

    TransactionalEmitter(Supplier<Producer<String, byte[]>> factory) {
        this.factory = factory;
        this.producer = newProducer();
    }

    /**
     * @return true when the transaction committed; false when it did not commit as far as this producer knows. After a
     *     commit that timed out it may still have committed: callers check the committed offset before retrying.
     */
    boolean commit(List<ProducerRecord<String, byte[]>> records, TopicPartition input, long nextOffset, ConsumerGroupMetadata group) {
        return commit(records, Map.of(input, nextOffset), group);
    }

    /** As {@link #commit(List, TopicPartition, long, ConsumerGroupMetadata)}, for inputs from several partitions (a batch). */
    boolean commit(List<ProducerRecord<String, byte[]>> records, Map<TopicPartition, Long> nextOffsets, ConsumerGroupMetadata group) {
        lastFailure = null;
        Set<TopicPartition> input = nextOffsets.keySet();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        nextOffsets.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
        try {
            producer.beginTransaction();
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record); // a failed send makes commitTransaction throw
            }
            producer.sendOffsetsToTransaction(offsets, group);
            producer.commitTransaction();
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            lastFailure = e;
            log.error("transaction for {} fenced: another producer took over transactional id or epoch ({}); if this keeps"
                    + " happening, two replicas share runtime.instance.id", input, e.toString());
            replaceProducer();
            return false;
        } catch (OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException e) {
            lastFailure = e;
            log.error("transaction for {} failed fatally for this producer: {}", input, e.toString());
            replaceProducer();
            return false;
        } catch (KafkaException e) {
            lastFailure = e;
            log.warn("transaction for {} not committed: {}", input, ExceptionChain.summary(e));
            abortOrReplace();
            return false;
        }
    }

    /** Why the last {@link #commit} did not commit; null after a commit. */
    KafkaException lastFailure() {
        return lastFailure;
    }

    private void abortOrReplace() {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            // e.g. the commit timed out and must not be aborted by this producer: a new one settles it.
            log.warn("abort failed ({}); replacing the producer", e.toString());
            replaceProducer();
        }
    }

    private void replaceProducer() {
        producer.close(Duration.ZERO);
        producer = newProducer();
    }

    private Producer<String, byte[]> newProducer() {
        Producer<String, byte[]> p = factory.get();
        try {
            p.initTransactions();
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
        return p;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
