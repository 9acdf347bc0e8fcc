package dev.idstream.core.testing;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes events (or raw bytes) the way an upstream app does: keyed by request id, in the Confluent wire format. */
public final class EventPublisher implements AutoCloseable {

    private final EmbeddedPipeline pipeline;
    private final KafkaProducer<String, byte[]> producer;

    public EventPublisher(EmbeddedPipeline pipeline) {
        this.pipeline = pipeline;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    public void send(String topic, String requestId, SpecificRecord event) {
        sendRaw(topic, requestId, pipeline.serde().serialize(topic, event), null);
    }

    /** Sends bytes as they are, optionally with a {@code traceparent} header. */
    public void sendRaw(String topic, String key, byte[] value, String traceparentHeader) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        if (traceparentHeader != null) {
            record.headers().add("traceparent", traceparentHeader.getBytes(StandardCharsets.US_ASCII));
        }
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new AssertionError("cannot publish to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
