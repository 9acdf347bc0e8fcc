package dev.idstream.cli;

import dev.idstream.core.Topics;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.RequestStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Latest state of one request, read from the compacted status topic. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the latest state of a request.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(paramLabel = "REQUEST_ID")
    String requestId;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        Logging.quiet();
        StageConfig config = connection.load();
        Optional<RequestStatus> status = latest(config, requestId);
        if (status.isEmpty()) {
            System.out.println("no status for request " + requestId);
            return 3;
        }
        RequestStatus s = status.get();
        System.out.println("request " + s.getRequestId() + ": " + s.getState() + " (stage " + s.getStage() + ", at " + s.getUpdatedAt() + ")");
        if (s.getFailureReason() != null) {
            System.out.println("  failed: " + s.getFailureReason() + ": " + s.getMessage());
        } else if (s.getMessage() != null) {
            System.out.println("  " + s.getMessage());
        }
        if (s.getVideo() != null) {
            System.out.println("  video " + s.getVideo().getUri());
        }
        return 0;
    }

    /** Reads the key's partition of the status topic to its end; compaction keeps this short. */
    static Optional<RequestStatus> latest(StageConfig config, String requestId) throws Exception {
        Map<String, Object> props = new HashMap<>(config.kafka().clientConfig());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var serde = new ConfluentEventSerde(config.registry());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.STATUS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            RequestStatus latest = null;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (requestId.equals(r.key()) && r.value() != null) {
                        latest = serde.deserialize(r.topic(), r.value(), RequestStatus.class);
                    }
                }
            }
            return Optional.ofNullable(latest);
        }
    }
}
