package dev.idstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldShowOnlyCommittedTransactionsToReadCommittedConsumerAndKeepDataWhenRestartedOnSameDir() throws Exception {
        String topic = "test.tx." + UUID.randomUUID();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
            kafka.createTopics(List.of(topic), 2, List.of());
            try (KafkaProducer<String, String> producer = transactionalProducer(kafka)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "r1", "aborted"));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "r1", "committed"));
                producer.commitTransaction();
            }
            assertThat(readCommitted(kafka, topic, 1)).containsExactly("committed");
        }

        try (EmbeddedKafka restarted = EmbeddedKafka.start(dataDir)) {
            assertThat(readCommitted(restarted, topic, 1)).containsExactly("committed");
        }
    }

    @Test
    void shouldCreateCompactedTopicsOnlyOnceWhenAskedTwice() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
            kafka.createTopics(List.of("a.v1", "status.v1"), 3, List.of("status.v1"));
            kafka.createTopics(List.of("a.v1", "status.v1", "b.v1"), 3, List.of("status.v1"));

            try (Admin admin = kafka.admin()) {
                assertThat(admin.listTopics().names().get()).contains("a.v1", "b.v1", "status.v1");
                assertThat(admin.describeTopics(List.of("a.v1")).allTopicNames().get().get("a.v1").partitions()).hasSize(3);
                Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, "status.v1"),
                        new ConfigResource(ConfigResource.Type.TOPIC, "a.v1"))).all().get();
                assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, "status.v1")).get("cleanup.policy").value())
                        .isEqualTo("compact");
                assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, "a.v1")).get("cleanup.policy").value())
                        .isEqualTo("delete");
            }
        }
    }

    @Test
    void shouldStopAllBrokerThreadsAndDeleteTemporaryDataWhenClosed() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        Path dir = kafka.dataDir();
        kafka.close();

        List<String> lingering = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            // Yammer's meter ticker is one daemon pool per JVM, shared by every broker that ever ran in it.
            if (!before.contains(t) && t.isAlive() && !t.getName().startsWith("metrics-meter-tick-thread")) {
                lingering.add(t.getName());
            }
        }
        assertThat(lingering).as("threads left by the broker").isEmpty();
        assertThat(Files.exists(dir)).isFalse();
    }

    private static KafkaProducer<String, String> transactionalProducer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test-" + UUID.randomUUID()),
                new StringSerializer(), new StringSerializer());
    }

    private static List<String> readCommitted(EmbeddedKafka kafka, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // Read past the expected count for a while: an extra (aborted) record would show up here.
            long settleUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                if (values.size() >= expected && settleUntil == Long.MAX_VALUE) {
                    settleUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        return values;
    }
}
