package dev.idstream.core.runtime;

import dev.idstream.core.Topics;
import dev.idstream.core.serde.EventSerde;
import dev.idstream.events.FailureReason;
import dev.idstream.events.StageFailed;
import dev.idstream.events.StageProgress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds the runtime's own events (failure, progress) and turns any event into a keyed, traced Kafka record. */
final class StageEvents {

    private final String stage;
    private final EventSerde serde;

    StageEvents(String stage, EventSerde serde) {
        this.stage = stage;
        this.serde = serde;
    }

    /** Serialises the event for {@code topic}, keyed by request id, with the traceparent as a header. */
    ProducerRecord<String, byte[]> record(String topic, String requestId, SpecificRecord event, String traceparent) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, requestId, serde.serialize(topic, event));
        record.headers().add(TraceContext.HEADER, traceparent.getBytes(StandardCharsets.US_ASCII));
        return record;
    }

    ProducerRecord<String, byte[]> failure(String requestId, String traceparent, FailureReason reason, String message,
                                           String detail, ConsumerRecord<?, ?> input) {
        StageFailed failed = StageFailed.newBuilder()
                .setRequestId(requestId)
                .setTraceparent(traceparent)
                .setCreatedAt(Instant.now())
                .setStage(stage)
                .setReason(reason)
                .setMessage(message)
                .setDetail(detail)
                .setInputTopic(input.topic())
                .setInputPartition(input.partition())
                .setInputOffset(input.offset())
                .build();
        return record(Topics.FAILURES, requestId, failed, traceparent);
    }

    ProducerRecord<String, byte[]> progress(String requestId, String traceparent, int step, int totalSteps, String message) {
        StageProgress progress = StageProgress.newBuilder()
                .setRequestId(requestId)
                .setTraceparent(traceparent)
                .setCreatedAt(Instant.now())
                .setStage(stage)
                .setStep(step)
                .setTotalSteps(totalSteps)
                .setMessage(message)
                .build();
        return record(Topics.PROGRESS, requestId, progress, traceparent);
    }
}
