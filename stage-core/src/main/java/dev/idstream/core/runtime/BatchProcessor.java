package dev.idstream.core.runtime;

import dev.idstream.core.BatchingStage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns the records of one poll into one {@link Outcome} each, in their order, on the step's worker thread. For a
 * {@link BatchingStage} it reads and validates each record alone (a bad one gets its own outcome), groups the rest by
 * batch key ({@link BatchGrouping}) and runs each group of two or more with {@code processBatch}; when a whole batch
 * fails, or one of its inputs fails with anything but bad input, those inputs are processed alone, so a batch never
 * fails a request that would have succeeded on its own. Any other stage, or a single record, goes through
 * {@link RecordProcessor#process}.
 */
final class BatchProcessor<I extends SpecificRecord, O extends SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

    private final RecordProcessor<I, O> records;
    private final BatchingStage<I, O> stage;

    /** @param stage the stage when it batches, else null (every record is processed alone) */
    BatchProcessor(RecordProcessor<I, O> records, BatchingStage<I, O> stage) {
        this.records = records;
        this.stage = stage;
    }

    List<Outcome> process(List<ConsumerRecord<String, byte[]>> unit, List<Cancellation> cancellations) {
        if (stage == null || unit.size() == 1) {
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < unit.size(); i++) {
                outcomes.add(records.process(unit.get(i), cancellations.get(i)));
            }
            return outcomes;
        }
        MDC.put("stage", stage.name());
        try {
            return processBatched(unit, cancellations);
        } finally {
            MDC.remove("requestId");
            MDC.remove("stage");
        }
    }

    private List<Outcome> processBatched(List<ConsumerRecord<String, byte[]>> unit, List<Cancellation> cancellations) {
        Outcome[] outcomes = new Outcome[unit.size()];
        List<RecordProcessor.Ready<I>> ready = new ArrayList<>();
        List<Integer> readyAt = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < unit.size(); i++) {
            MDC.put("requestId", String.valueOf(unit.get(i).key()));
            RecordProcessor.Opening<I> opening = records.open(unit.get(i), cancellations.get(i));
            if (opening instanceof RecordProcessor.Ready<I> r) {
                ready.add(r);
                readyAt.add(i);
                keys.add(batchKey(r));
            } else {
                outcomes[i] = ((RecordProcessor.Done<I>) opening).outcome();
            }
        }
        for (List<Integer> group : BatchGrouping.group(keys, unit.size())) {
            List<RecordProcessor.Ready<I>> members = group.stream().map(ready::get).toList();
            List<Outcome> results = members.size() == 1 ? List.of(alone(members.get(0))) : runBatch(members);
            for (int j = 0; j < group.size(); j++) {
                outcomes[readyAt.get(group.get(j))] = results.get(j);
            }
        }
        return Arrays.asList(outcomes);
    }

    /** A key that cannot be computed is a bug in the stage; that input then simply runs alone. */
    private Object batchKey(RecordProcessor.Ready<I> ready) {
        try {
            return stage.batchKey(ready.input());
        } catch (RuntimeException e) {
            log.error("batch key of request {} failed; it runs alone", ready.record().key(), e);
            return null;
        }
    }

    private List<Outcome> runBatch(List<RecordProcessor.Ready<I>> members) {
        MDC.put("requestId", members.stream().map(r -> r.record().key()).collect(Collectors.joining(",")));
        List<BatchingStage.Result<O>> results;
        try {
            results = stage.processBatch(members.stream().map(RecordProcessor.Ready::input).toList(),
                    members.stream().map(r -> (StageContext) r.context()).toList());
            if (results == null || results.size() != members.size()) {
                throw new IllegalStateException("processBatch returned " + (results == null ? "null" : results.size() + " results")
                        + " for " + members.size() + " inputs");
            }
        } catch (Throwable e) {
            return wholeBatchFailed(members, e);
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            RecordProcessor.Ready<I> member = members.get(i);
            BatchingStage.Result<O> result = results.get(i);
            MDC.put("requestId", member.record().key());
            if (result.succeeded()) {
                outcomes.add(records.finish(member, result.output()));
            } else if (result.failure() instanceof StageException.BadInput || member.cancellation().isCancelled()) {
                outcomes.add(records.failure(member, result.failure()));
            } else {
                log.info("request {} failed in its batch ({}); processing it alone", member.record().key(),
                        ExceptionChain.summary(result.failure()));
                outcomes.add(records.runAlone(member));
            }
        }
        return outcomes;
    }

    private List<Outcome> wholeBatchFailed(List<RecordProcessor.Ready<I>> members, Throwable e) {
        boolean interrupted = e instanceof InterruptedException || e instanceof StepCancelledException;
        if (!interrupted) {
            log.warn("batch of {} requests failed ({}); processing them one by one", members.size(), ExceptionChain.summary(e));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (RecordProcessor.Ready<I> member : members) {
            MDC.put("requestId", member.record().key());
            boolean stop = interrupted || member.cancellation().isCancelled();
            outcomes.add(stop ? records.failure(member, e) : records.runAlone(member));
        }
        return outcomes;
    }

    private Outcome alone(RecordProcessor.Ready<I> ready) {
        MDC.put("requestId", ready.record().key());
        return records.runAlone(ready);
    }
}
