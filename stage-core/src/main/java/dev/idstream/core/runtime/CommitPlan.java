package dev.idstream.core.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What of the outcomes of records handled together may be committed. Offsets are committed per partition, so in each
 * partition only the records before its first uncommitted one qualify; a partition this consumer no longer owns
 * commits nothing (its new owner processes the records again).
 *
 * @param committable indices of the records whose {@link Outcome.Emit} is committed, in the order handled
 * @param left indices of the records left uncommitted, with why (processed again later)
 * @param rewinds partitions still owned that must be read again from the offset given: their first record left
 */
record CommitPlan(List<Integer> committable, Map<Integer, Outcome.Abandon> left, Map<TopicPartition, Long> rewinds) {

    static CommitPlan of(List<ConsumerRecord<String, byte[]>> records, List<Outcome> outcomes, Predicate<TopicPartition> owned) {
        List<Integer> committable = new ArrayList<>();
        Map<Integer, Outcome.Abandon> left = new LinkedHashMap<>();
        Map<TopicPartition, Long> rewinds = new LinkedHashMap<>();
        Set<TopicPartition> blocked = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            Outcome outcome = outcomes.get(i);
            Outcome.Abandon abandon;
            if (!owned.test(partition)) {
                abandon = outcome instanceof Outcome.Abandon a ? a
                        : new Outcome.Abandon("partition " + partition + " was revoked before the commit", false);
            } else if (blocked.contains(partition)) {
                abandon = new Outcome.Abandon("an earlier record of partition " + partition + " was not committed", false);
            } else if (outcome instanceof Outcome.Abandon a) {
                abandon = a;
                rewinds.put(partition, record.offset());
            } else {
                committable.add(i);
                continue;
            }
            blocked.add(partition);
            left.put(i, abandon);
        }
        return new CommitPlan(committable, left, rewinds);
    }

    /** The records to produce: those of every committable outcome, in order. */
    List<ProducerRecord<String, byte[]>> producerRecords(List<Outcome> outcomes) {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (int i : committable) {
            out.addAll(((Outcome.Emit) outcomes.get(i)).records());
        }
        return out;
    }

    /** Per partition, the offset after its last committable record. */
    Map<TopicPartition, Long> nextOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        for (int i : committable) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            next.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
        return next;
    }
}
