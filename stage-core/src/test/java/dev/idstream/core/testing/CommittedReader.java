package dev.idstream.core.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics from the beginning as a downstream consumer would: {@code read_committed}, so only records of committed
 * transactions are seen. Records of other tests may be present: filter by key.
 */
public final class CommittedReader implements AutoCloseable {

    private final EmbeddedPipeline pipeline;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    public CommittedReader(EmbeddedPipeline pipeline, String... topics) {
        this.pipeline = pipeline;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Reads until {@code done} holds for the records (among all read so far) that {@code filter} accepts, then keeps
     * reading for {@code settle} so that a duplicate arriving late is seen too. Returns the accepted records.
     */
    public List<ConsumerRecord<String, byte[]>> await(Predicate<ConsumerRecord<String, byte[]>> filter,
                                                      Predicate<List<ConsumerRecord<String, byte[]>>> done,
                                                      Duration timeout, Duration settle) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Long settleUntil = null;
        while (true) {
            List<ConsumerRecord<String, byte[]>> accepted = seen.stream().filter(filter).toList();
            if (settleUntil == null && done.test(accepted)) {
                settleUntil = System.nanoTime() + settle.toNanos();
            }
            if (settleUntil != null && System.nanoTime() - settleUntil > 0) {
                return accepted;
            }
            if (settleUntil == null && System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + "; accepted so far: " + describe(accepted));
            }
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        }
    }

    /** Waits until at least {@code count} accepted records, then settles for one second. */
    public List<ConsumerRecord<String, byte[]>> awaitCount(Predicate<ConsumerRecord<String, byte[]>> filter, int count, Duration timeout) {
        return await(filter, l -> l.size() >= count, timeout, Duration.ofSeconds(1));
    }

    public <T extends SpecificRecord> T value(ConsumerRecord<String, byte[]> record, Class<T> type) {
        try {
            return pipeline.serde().deserialize(record.topic(), record.value(), type);
        } catch (Exception e) {
            throw new AssertionError("cannot read " + type.getSimpleName() + " at " + record.topic() + "@" + record.offset(), e);
        }
    }

    public static String describe(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> r.topic() + "/" + r.key() + "@" + r.offset()).toList().toString();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
