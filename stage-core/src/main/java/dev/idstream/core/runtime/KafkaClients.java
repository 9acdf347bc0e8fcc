package dev.idstream.core.runtime;

import dev.idstream.core.config.KafkaSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Creates the stage's Kafka clients. Each starts from the configured settings (security etc. passed through);
 * defaults fill what is not configured; the settings exactly-once depends on are forced last.
 */
final class KafkaClients {

    private final KafkaSettings settings;
    private final String stage;
    private final String instanceId;

    KafkaClients(KafkaSettings settings, String stage, String instanceId) {
        this.settings = settings;
        this.stage = stage;
        this.instanceId = instanceId;
    }

    static String groupId(String stage) {
        return "idstream-" + stage;
    }

    String transactionalId() {
        return "idstream-" + stage + "-" + instanceId;
    }

    /** @param maxPollRecords the records the loop handles together: 1, or the batch size of a batching stage */
    KafkaConsumer<String, byte[]> consumer(int maxPollRecords) {
        Map<String, Object> config = base(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, transactionalId() + "-consumer",
                // A new stage group starts at the beginning: no request published before it existed is skipped.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // Topics are created on purpose (PipelineTopics), never as a side effect of a stage looking for its input.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                // Only partitions that actually move are revoked, so a rebalance rarely interrupts a running step.
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName())));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(stage));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Every record a poll returns is handled (and committed) together, so none is left in memory to go stale on a
        // rebalance: one record per poll, or one batch.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    KafkaProducer<String, byte[]> transactionalProducer() {
        Map<String, Object> config = base(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, transactionalId(),
                // Our transactions span only the emit (milliseconds), so a short timeout costs nothing and, after a
                // crash of a replica that never comes back, unblocks read_committed readers sooner.
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000));
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Idempotent, not transactional: progress is visible at once, outside the step's transaction. */
    KafkaProducer<String, byte[]> progressProducer() {
        Map<String, Object> config = base(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, transactionalId() + "-progress",
                ProducerConfig.ACKS_CONFIG, "all"));
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private Map<String, Object> base(Map<String, Object> defaults) {
        Map<String, Object> config = new HashMap<>(defaults);
        config.putAll(settings.clientConfig());
        return config;
    }
}
