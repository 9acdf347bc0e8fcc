package dev.idstream.aggregates;

import dev.idstream.events.RequestStatus;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the latest {@code RequestStatus} per request id and emits only forward moves ({@link StatusTransitions}). */
final class StatusProcessor implements Processor<String, RequestStatus, String, RequestStatus> {

    static final String STORE = "request-status";

    private ProcessorContext<String, RequestStatus> context;
    private KeyValueStore<String, RequestStatus> statuses;

    @Override
    public void init(ProcessorContext<String, RequestStatus> context) {
        this.context = context;
        this.statuses = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, RequestStatus> record) {
        if (record.key() == null || record.key().isEmpty() || record.value() == null) {
            // e.g. the StageFailed of a record without a key: there is no request to file it under
            return;
        }
        RequestStatus next = StatusTransitions.next(statuses.get(record.key()), record.value());
        if (next != null) {
            statuses.put(record.key(), next);
            context.forward(record.withValue(next));
        }
    }
}
