package dev.idstream.cli.eval;

import dev.idstream.core.serde.EventSerde;
import dev.idstream.core.serde.UnreadableEventException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Finds past events by record timestamp: on every partition, {@code offsetsForTimes} gives where the window starts
 * and ends, and a {@code read_committed} consumer (no group, nothing committed) reads that range once. Only what was
 * committed before the read began is seen, so events published while replaying are never replayed again.
 */
public final class TopicReader {

    /** What was found: the matching events in partition order, and how many records could not be read. */
    public record Found<T>(List<T> events, int unreadable) {}

    private TopicReader() {}

    public static <T extends SpecificRecord> Found<T> read(Map<String, Object> kafka, EventSerde serde, String topic, Class<T> type,
            TimeWindow window, Predicate<T> filter) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        List<T> events = new ArrayList<>();
        int unreadable = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> start = bound(consumer, partitions, window.from() == null ? null : window.from().toEpochMilli(),
                    consumer.beginningOffsets(partitions));
            Map<TopicPartition, Long> end = bound(consumer, partitions, window.to() == null ? null : window.to().toEpochMilli(),
                    consumer.endOffsets(partitions));
            List<TopicPartition> toRead = partitions.stream().filter(tp -> start.get(tp) < end.get(tp)).toList();
            consumer.assign(toRead);
            toRead.forEach(tp -> consumer.seek(tp, start.get(tp)));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (toRead.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " did not reach the end of the window within 5 minutes");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp) || !window.contains(r.timestamp()) || r.value() == null) {
                        continue;
                    }
                    try {
                        T event = serde.deserialize(topic, r.value(), type);
                        if (filter.test(event)) {
                            events.add(event);
                        }
                    } catch (UnreadableEventException e) {
                        unreadable++;
                    }
                }
            }
        }
        return new Found<>(events, unreadable);
    }

    /** The first offset at or after {@code timestamp} per partition; the fallback where there is none or no timestamp. */
    private static Map<TopicPartition, Long> bound(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Long timestamp,
            Map<TopicPartition, Long> fallback) {
        if (timestamp == null) {
            return fallback;
        }
        Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, timestamp));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            offsets.put(tp, at == null ? endOffsets.get(tp) : at.offset());
        }
        return offsets;
    }
}
