package dev.idstream.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.serde.SchemaRegistryException;
import dev.idstream.core.serde.UnreadableEventException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result;
import org.junit.jupiter.api.Test;

class UnreadableRecordHandlerTest {

    private final UnreadableRecordHandler handler = new UnreadableRecordHandler();
    private final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("idstream.faces.v1", 1, 42, new byte[0], new byte[] {1});

    @Test
    void shouldSkipARecordThatCanNeverBeRead() {
        Exception unreadable = new SerializationException("x", new UnreadableEventException("unknown magic byte 0x01"));

        assertThat(handler.handleError(null, record, unreadable).result()).isEqualTo(Result.RESUME);
    }

    @Test
    void shouldFailWhenTheRegistryIsUnreachableSoThatTheRecordIsReadAgain() {
        Exception outage = new SchemaRegistryException("the Schema Registry at http://registry:8081 is unreachable", 0, 0);

        assertThat(handler.handleError(null, record, outage).result()).isEqualTo(Result.FAIL);
    }
}
