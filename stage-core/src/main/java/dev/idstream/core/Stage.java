package dev.idstream.core;

import org.apache.avro.specific.SpecificRecord;

/**
 * One pipeline step: validate the input event, run the model step, return the output event.
 *
 * <p>The runtime ({@link dev.idstream.core.runtime.StageRunner}) owns everything else: the consume loop,
 * one Kafka transaction per input (output event + offset commit), retries of transient faults,
 * {@code StageFailed} for bad input, progress publishing, metrics and shutdown. A stage never touches Kafka.
 *
 * <p>Contract: {@link #process} may be called again for the same input after a crash or rebalance, so every
 * artifact it writes must use a deterministic key ({@link StageContext#key}); it must be a pure function of
 * the input event and the artifacts it references.
 */
public interface Stage<I extends SpecificRecord, O extends SpecificRecord> extends AutoCloseable {

    /** Short stage name ("detect", "features", ...): used in keys, metrics, consumer group and transactional ids. */
    String name();

    String inputTopic();

    Class<I> inputType();

    String outputTopic();

    /** Cheap checks on the event itself; throw {@link StageException.BadInput} to fail the request. */
    default void validate(I input, StageContext ctx) throws StageException {}

    /** The model step. Throw {@link StageException.BadInput} for bad input, {@link StageException.Transient} for retryable faults. */
    O process(I input, StageContext ctx) throws Exception;

    @Override
    default void close() throws Exception {}
}
