package dev.idstream.report;

import dev.idstream.core.Topics;
import dev.idstream.core.serde.EventSerde;
import dev.idstream.core.serde.UnreadableEventException;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads what a report needs from Kafka: each topic from the beginning to its end offsets as they were when reading
 * started (read_committed, so aborted transactions never show), without a consumer group. Unreadable records are
 * skipped and counted, so one bad event does not hide a whole set.
 */
public final class ReportEvents {

    private final Map<String, Object> kafka;
    private final EventSerde serde;
    private final Duration timeout;

    public ReportEvents(Map<String, Object> kafkaClientConfig, EventSerde serde, Duration timeout) {
        this.kafka = Map.copyOf(kafkaClientConfig);
        this.serde = Objects.requireNonNull(serde, "serde");
        this.timeout = timeout;
    }

    public ReportInputs read(String evalSetId) throws TimeoutException {
        List<String> warnings = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            Set<String> topics = consumer.listTopics(timeout).keySet();
            List<VideoMetrics> metrics = new ArrayList<>();
            readTopic(consumer, topics, Topics.METRICS, VideoMetrics.class, warnings, (key, m) -> {
                if (m != null && evalSetId.equals(m.getEvalSetId())) {
                    metrics.add(m);
                }
            });
            Map<String, MetricsSummary> summaries = new LinkedHashMap<>();
            readTopic(consumer, topics, Topics.METRICS_SUMMARY, MetricsSummary.class, warnings, (key, s) -> {
                if (s == null) {
                    summaries.remove(key); // a tombstone deletes the key's summary
                } else if (evalSetId.equals(s.getEvalSetId())) {
                    summaries.put(key, s);
                }
            });
            Set<String> requestIds = metrics.stream().map(VideoMetrics::getRequestId).collect(Collectors.toSet());
            Map<String, VideoDecoded> decoded = new HashMap<>();
            readTopic(consumer, topics, Topics.VIDEOS, VideoDecoded.class, warnings, (key, d) -> {
                if (d != null && requestIds.contains(d.getRequestId())) {
                    decoded.put(d.getRequestId(), d);
                }
            });
            return new ReportInputs(metrics, List.copyOf(summaries.values()), decoded, warnings);
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Calls {@code sink} with each record's key and event (null for a tombstone), in partition order. */
    private <T extends SpecificRecord> void readTopic(KafkaConsumer<String, byte[]> consumer, Set<String> existing, String topic,
                                                      Class<T> type, List<String> warnings, BiConsumer<String, T> sink)
            throws TimeoutException {
        if (!existing.contains(topic)) {
            warnings.add("Topic " + topic + " does not exist on this cluster: nothing was read from it.");
            return;
        }
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        int unreadable = 0;
        String firstProblem = null;
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("reading " + topic + " to its end took longer than " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                    continue; // written after reading started: the report is of the state at its start
                }
                try {
                    sink.accept(r.key(), r.value() == null ? null : serde.deserialize(topic, r.value(), type));
                } catch (UnreadableEventException e) {
                    unreadable++;
                    firstProblem = firstProblem == null ? e.getMessage() : firstProblem;
                }
            }
        }
        if (unreadable > 0) {
            warnings.add("Skipped " + unreadable + " unreadable record(s) on " + topic + " (first: " + firstProblem + ").");
        }
        consumer.unsubscribe();
    }
}
