package dev.idstream.core.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka {@link Deserializer} over an {@link EventSerde}, for plain consumers and Kafka Streams. A null payload stays
 * null (a tombstone). An unreadable payload becomes a {@link SerializationException} whose cause is the
 * {@link UnreadableEventException}, which the consumer reports as a {@code RecordDeserializationException} and Kafka
 * Streams hands to its deserialization exception handler.
 *
 * <p>Built from configuration (no-arg constructor), it reads {@code schema.registry.url}, {@code auto.register.schemas}
 * and {@value SerdeConfig#EVENT_TYPE} (the generated class to read, e.g. {@code dev.idstream.events.FaceDetected}).
 */
public final class EventDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private EventSerde serde;
    private Class<T> type;

    public EventDeserializer() {}

    public EventDeserializer(EventSerde serde, Class<T> type) {
        this.serde = serde;
        this.type = type;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (serde == null) {
            serde = SerdeConfig.fromKafkaConfig(configs);
        }
        if (type == null) {
            type = SerdeConfig.eventType(configs);
        }
    }

    @Override
    public T deserialize(String topic, byte[] payload) {
        if (payload == null) {
            return null;
        }
        if (serde == null || type == null) {
            throw new IllegalStateException("EventDeserializer is not configured: pass an EventSerde and type or call configure()");
        }
        try {
            return serde.deserialize(topic, payload, type);
        } catch (UnreadableEventException e) {
            throw new SerializationException(e.getMessage(), e);
        }
    }
}
