package dev.idstream.aggregates;

import dev.idstream.core.serde.UnreadableEventException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skips an input record only when it can never be read ({@link UnreadableEventException}: unknown magic byte or schema
 * id, corrupt Avro), as the stages do. Any other failure, e.g. the schema registry being unreachable, fails the stream
 * thread instead: Streams replaces it and the record is read again from the last commit, so an outage loses no status.
 */
public final class UnreadableRecordHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(UnreadableRecordHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof UnreadableEventException unreadable) {
                log.warn("skipping an unreadable record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                        unreadable.getMessage());
                return Response.resume();
            }
        }
        log.error("cannot read the record at {}-{}@{}; failing so that it is read again", record.topic(), record.partition(),
                record.offset(), exception);
        return Response.fail();
    }

    @Override
    public void configure(Map<String, ?> configs) {}
}
