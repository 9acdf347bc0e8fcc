package dev.idstream.cli.eval;

import dev.idstream.core.serde.EventSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes events in the Confluent wire format with an idempotent producer, keyed by request id like every IDStream event. */
public final class EventPublisher implements AutoCloseable {

    private final EventSerde serde;
    private final KafkaProducer<String, byte[]> producer;

    public EventPublisher(Map<String, Object> kafkaClientProps, EventSerde serde) {
        this.serde = serde;
        Map<String, Object> p = new HashMap<>(kafkaClientProps);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void publish(String topic, String requestId, SpecificRecord event) throws Exception {
        producer.send(new ProducerRecord<>(topic, requestId, serde.serialize(topic, event))).get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
