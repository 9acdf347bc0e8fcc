package dev.idstream.core.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serializer} over an {@link EventSerde}, for plain producers and Kafka Streams. A null event stays null
 * (a tombstone on compacted topics).
 *
 * <p>Built from configuration (no-arg constructor, e.g. {@code value.serializer}), it reads the Confluent keys
 * {@code schema.registry.url} and {@code auto.register.schemas} (default true).
 */
public final class EventSerializer<T extends SpecificRecord> implements Serializer<T> {

    private EventSerde serde;

    public EventSerializer() {}

    public EventSerializer(EventSerde serde) {
        this.serde = serde;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (serde == null) {
            serde = SerdeConfig.fromKafkaConfig(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, T event) {
        if (event == null) {
            return null;
        }
        if (serde == null) {
            throw new IllegalStateException("EventSerializer is not configured: pass an EventSerde or call configure()");
        }
        return serde.serialize(topic, event);
    }
}
