package dev.idstream.core.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Kafka {@link Serde}s of events, for Kafka Streams topologies. */
public final class EventSerdes {

    public static <T extends SpecificRecord> Serde<T> of(EventSerde serde, Class<T> type) {
        return Serdes.serdeFrom(new EventSerializer<>(serde), new EventDeserializer<>(serde, type));
    }

    private EventSerdes() {}
}
