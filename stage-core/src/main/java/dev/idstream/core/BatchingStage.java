package dev.idstream.core;

import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * A {@link Stage} that can run several inputs in one model run (e.g. one ONNX call with a larger batch dimension),
 * which pays off on accelerators. Opt-in: the runtime batches only stages that implement this, and only inputs it
 * already holds (one poll, at most {@code runtime.batch.max.size} records); it never waits for more.
 *
 * <p>The runtime validates each input on its own first (a bad one fails alone and leaves the batch), groups the rest
 * by {@link #batchKey}, and calls {@link #processBatch} for each group of two or more; a group of one goes through
 * {@link #process}. Outputs and input offsets of all the inputs it held are committed in one Kafka transaction.
 * When {@code processBatch} throws, the runtime processes the group's inputs one by one with {@link #process}, so one
 * bad input never fails the others. The same idempotence contract as {@link Stage#process} applies to every input.
 */
public interface BatchingStage<I extends SpecificRecord, O extends SpecificRecord> extends Stage<I, O> {

    /**
     * What must be equal for inputs to share one run (for a generator: frames, width, height, steps). Compared with
     * {@code equals}; a record is a good key. Called after {@link #validate}. Null means "never batch this input".
     */
    Object batchKey(I input);

    /**
     * Runs inputs of one batch key together; each context is its input's own (request id, artifact keys, progress,
     * cancellation).
     *
     * @return one result per input, in the order of {@code inputs}
     * @throws Exception for a fault of the whole run; the runtime then processes each input alone
     */
    List<Result<O>> processBatch(List<I> inputs, List<StageContext> contexts) throws Exception;

    /**
     * What became of one input of a batch: its output, or the exception {@link #process} would have thrown for it.
     * A {@link StageException.BadInput} fails that request alone; any other failure makes the runtime process that
     * input again on its own (with the usual retries), so the batch never decides the fate of a request by itself.
     */
    record Result<O>(O output, Exception failure) {

        public Result {
            if ((output == null) == (failure == null)) {
                throw new IllegalArgumentException("a batch result holds either an output or a failure");
            }
        }

        public static <O> Result<O> of(O output) {
            return new Result<>(Objects.requireNonNull(output, "output"), null);
        }

        public static <O> Result<O> failed(Exception failure) {
            return new Result<>(null, Objects.requireNonNull(failure, "failure"));
        }

        public boolean succeeded() {
            return failure == null;
        }
    }
}
