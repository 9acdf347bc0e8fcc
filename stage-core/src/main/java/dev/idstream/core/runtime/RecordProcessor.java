package dev.idstream.core.runtime;

import dev.idstream.core.InputLimits;
import dev.idstream.core.Stage;
import dev.idstream.core.StageException;
import dev.idstream.core.artifacts.ArtifactStore;
import dev.idstream.core.serde.EventSerde;
import dev.idstream.core.serde.SchemaRegistryException;
import dev.idstream.core.serde.UnreadableEventException;
import dev.idstream.events.FailureReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns one input record into an {@link Outcome}, on the step's worker thread: read the event, validate it, run the
 * stage's step (retrying transient faults), and serialise what is to be produced. It classifies every failure;
 * it never touches the consumer or the transaction. Its pieces ({@link #open}, {@link #runAlone}, {@link #finish},
 * {@link #failure}) also serve {@link BatchProcessor}.
 */
final class RecordProcessor<I extends SpecificRecord, O extends SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(RecordProcessor.class);
    /** Request ids become artifact key parts ({@code requests/<requestId>/...}), so they follow the same rule. */
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final Stage<I, O> stage;
    private final EventSerde serde;
    private final ArtifactStore artifacts;
    private final InputLimits limits;
    private final StageEvents events;
    private final Retrying retrying;
    private final ProgressPublisher progress;

    RecordProcessor(Stage<I, O> stage, EventSerde serde, ArtifactStore artifacts, InputLimits limits,
                    StageEvents events, Retrying retrying, ProgressPublisher progress) {
        this.stage = stage;
        this.serde = serde;
        this.artifacts = artifacts;
        this.limits = limits;
        this.events = events;
        this.retrying = retrying;
        this.progress = progress;
    }

    Outcome process(ConsumerRecord<String, byte[]> record, Cancellation cancellation) {
        MDC.put("stage", stage.name());
        MDC.put("requestId", String.valueOf(record.key()));
        try {
            Opening<I> opening = open(record, cancellation);
            return opening instanceof Ready<I> ready ? runAlone(ready) : ((Done<I>) opening).outcome();
        } finally {
            MDC.remove("requestId");
            MDC.remove("stage");
        }
    }

    /** An input read and validated, ready for its step; or the outcome of an input that got no further. */
    sealed interface Opening<I> {
    }

    record Done<I>(Outcome outcome) implements Opening<I> {
    }

    record Ready<I>(ConsumerRecord<String, byte[]> record, I input, TraceContext span, RunnerContext context,
                    Cancellation cancellation, long startNanos) implements Opening<I> {
        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }
    }

    /** Reads the event and validates it (retrying transient faults). */
    Opening<I> open(ConsumerRecord<String, byte[]> record, Cancellation cancellation) {
        TraceContext headerTrace = TraceContext.parse(header(record, TraceContext.HEADER)).orElse(null);
        I input;
        try {
            input = retrying.call(() -> registryFaultsAsTransient(() -> read(record)), cancellation);
        } catch (UnreadableEventException e) {
            TraceContext span = (headerTrace != null ? headerTrace : TraceContext.newRoot()).child();
            String message = "cannot read the event at " + where(record) + ": " + e.getMessage();
            return new Done<>(failed(record, span, FailureReason.UNREADABLE_EVENT, message, ExceptionChain.detail(e), Duration.ZERO, cancellation));
        } catch (Throwable e) {
            return new Done<>(unexpected(record, (headerTrace != null ? headerTrace : TraceContext.newRoot()).child(), e, Duration.ZERO, cancellation));
        }
        TraceContext span = TraceContext.parse(EventFields.string(input, EventFields.TRACEPARENT))
                .or(() -> Optional.ofNullable(headerTrace))
                .orElseGet(TraceContext::newRoot)
                .child();
        RunnerContext ctx = new RunnerContext(stage.name(), record.key(), span, artifacts, limits, progress, cancellation);
        Ready<I> ready = new Ready<>(record, input, span, ctx, cancellation, System.nanoTime());
        try {
            checkRequestId(record, input);
            retrying.call(() -> {
                stage.validate(input, ctx);
                return null;
            }, cancellation);
            return ready;
        } catch (Throwable e) {
            return new Done<>(failure(ready, e));
        }
    }

    /** The stage's step for one validated input, transient faults retried. */
    Outcome runAlone(Ready<I> ready) {
        try {
            O output = retrying.call(() -> stage.process(ready.input(), ready.context()), ready.cancellation());
            return finish(ready, output);
        } catch (Throwable e) {
            return failure(ready, e);
        }
    }

    /** The output event, serialised for the transaction (the request's status is the aggregates' job). */
    Outcome finish(Ready<I> ready, O output) {
        try {
            return succeeded(ready.record(), Objects.requireNonNull(output, "the stage returned no output event"), ready.span(),
                    ready.elapsed(), ready.cancellation());
        } catch (Throwable e) {
            return failure(ready, e);
        }
    }

    /** Classifies what the step of {@code ready} threw: bad input fails the request, the rest see {@link #unexpected}. */
    Outcome failure(Ready<I> ready, Throwable e) {
        if (e instanceof StageException.BadInput bad) {
            return failed(ready.record(), ready.span(), bad.reason(), bad.getMessage(),
                    bad.getCause() == null ? null : ExceptionChain.detail(bad), ready.elapsed(), ready.cancellation());
        }
        return unexpected(ready.record(), ready.span(), e, ready.elapsed(), ready.cancellation());
    }

    private I read(ConsumerRecord<String, byte[]> record) throws UnreadableEventException {
        if (record.value() == null) {
            throw new UnreadableEventException("the record has no value (a tombstone), expected a " + stage.inputType().getSimpleName());
        }
        return serde.deserialize(record.topic(), record.value(), stage.inputType());
    }

    private void checkRequestId(ConsumerRecord<String, byte[]> record, I input) throws StageException.BadInput {
        String key = record.key();
        if (key == null || !REQUEST_ID.matcher(key).matches()) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT,
                    "the record key must be the request id (1-200 of A-Z a-z 0-9 . _ -), was " + (key == null ? "missing" : "'" + key + "'"));
        }
        String eventRequestId = EventFields.string(input, EventFields.REQUEST_ID);
        if (eventRequestId != null && !eventRequestId.equals(key)) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT,
                    "the event's requestId '" + eventRequestId + "' differs from the record key '" + key + "'");
        }
    }

    private Outcome succeeded(ConsumerRecord<String, byte[]> record, O output, TraceContext span, Duration stepTime,
                              Cancellation cancellation) throws Exception {
        EventFields.setStringIfPresent(output, EventFields.TRACEPARENT, span.traceparent());
        String requestId = record.key();
        List<ProducerRecord<String, byte[]>> records = retrying.call(() -> registryFaultsAsTransient(() -> List.of(
                events.record(stage.outputTopic(), requestId, output, span.traceparent()))), cancellation);
        return new Outcome.Emit(records, requestId, span.traceparent(), null, stepTime);
    }

    /** Classifies what was not a {@link StageException.BadInput}. */
    private Outcome unexpected(ConsumerRecord<String, byte[]> record, TraceContext span, Throwable e, Duration stepTime,
                               Cancellation cancellation) {
        if (e instanceof StepCancelledException || (cancellation.isCancelled() && !(e instanceof Retrying.RetriesExhaustedException))) {
            return new Outcome.Abandon(cancellation.reason() != null ? cancellation.reason() : e.getMessage(), false);
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new Outcome.Abandon("step interrupted", false);
        }
        if (e instanceof Retrying.RetriesExhaustedException exhausted) {
            String message = stage.name() + " " + exhausted.getMessage();
            return failed(record, span, FailureReason.TRANSIENT_RETRIES_EXHAUSTED, message, ExceptionChain.detail(exhausted.getCause()),
                    stepTime, cancellation);
        }
        log.error("internal error in stage {} at {}", stage.name(), where(record), e);
        String message = "internal error in stage " + stage.name() + ": " + ExceptionChain.summary(e);
        return failed(record, span, FailureReason.INTERNAL, message, ExceptionChain.detail(e), stepTime, cancellation);
    }

    /** One {@code StageFailed}; the request's FAILED status is derived from it by the aggregates application. */
    private Outcome failed(ConsumerRecord<String, byte[]> record, TraceContext span, FailureReason reason, String message,
                           String detail, Duration stepTime, Cancellation cancellation) {
        String requestId = record.key() == null ? "" : record.key();
        log.warn("request {} failed in stage {} ({}): {}", requestId, stage.name(), reason, message);
        try {
            List<ProducerRecord<String, byte[]>> records = retrying.call(() -> registryFaultsAsTransient(() -> List.of(
                    events.failure(requestId, span.traceparent(), reason, message, detail, record))), cancellation);
            return new Outcome.Emit(records, requestId, span.traceparent(), reason, stepTime);
        } catch (Throwable e) {
            // Without a failure event nothing may be committed: the input is processed again later.
            log.error("cannot write the StageFailed event for {}; will process it again", where(record), e);
            return new Outcome.Abandon("cannot serialise the failure event: " + ExceptionChain.summary(e), !cancellation.isCancelled());
        }
    }

    /** An unreachable or failing registry (no answer, 5xx) may recover: retried like any transient fault. */
    private static <T> T registryFaultsAsTransient(Retrying.Call<T> call) throws Exception {
        try {
            return call.call();
        } catch (SchemaRegistryException e) {
            if (e.isTransient()) {
                throw new StageException.Transient("the schema registry is unavailable: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + " partition " + record.partition() + " offset " + record.offset();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.US_ASCII);
    }
}
