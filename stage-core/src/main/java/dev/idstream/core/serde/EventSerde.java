package dev.idstream.core.serde;

import org.apache.avro.specific.SpecificRecord;

/**
 * Event (de)serialisation in the Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary;
 * subject {@code <topic>-value} (TopicNameStrategy).
 */
public interface EventSerde {

    byte[] serialize(String topic, SpecificRecord event);

    /** @throws UnreadableEventException for an unknown magic byte, unknown schema id, truncated or incompatible payload */
    <T extends SpecificRecord> T deserialize(String topic, byte[] payload, Class<T> type) throws UnreadableEventException;
}
