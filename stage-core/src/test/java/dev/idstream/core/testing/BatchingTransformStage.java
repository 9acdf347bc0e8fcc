package dev.idstream.core.testing;

import dev.idstream.core.BatchingStage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationRequested;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link TransformStage} as a batching stage: inputs with the same {@code shape=<x>} word (or none) batch together;
 * a batch sleeps once for the longest {@code sleep=<ms>} of its inputs, publishing every input's progress at each of
 * its 10 steps and dropping an input whose step is cancelled, as a batched model run would. More scripted faults:
 * {@code batchboom} makes the whole batch fail with a bad-input error that names no request (the runtime must then
 * process the inputs one by one, where {@code batchboom} does nothing).
 */
public final class BatchingTransformStage implements BatchingStage<GenerationRequested, FaceDetected> {

    private final TransformStage single;
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();

    public BatchingTransformStage(TransformStage single) {
        this.single = single;
    }

    /** The request ids of every {@link #processBatch} call that got past its whole-batch fault, in call order. */
    public List<List<String>> batches() {
        return batches;
    }

    @Override
    public Object batchKey(GenerationRequested input) {
        String shape = TransformStage.word(input.getParams().getPrompt(), "shape");
        return shape == null ? "" : shape;
    }

    @Override
    public List<Result<FaceDetected>> processBatch(List<GenerationRequested> inputs, List<StageContext> contexts) throws Exception {
        if (inputs.stream().anyMatch(in -> TransformStage.has(in.getParams().getPrompt(), "batchboom"))) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "simulated batch fault that names no request");
        }
        batches.add(contexts.stream().map(StageContext::requestId).toList());
        int n = inputs.size();
        Exception[] failures = new Exception[n];
        for (int i = 0; i < n; i++) {
            try {
                single.checkFaults(inputs.get(i), contexts.get(i));
            } catch (StageException e) {
                failures[i] = e;
            }
        }
        sleepInLockstep(inputs, contexts, failures);
        List<Result<FaceDetected>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (failures[i] == null) {
                try {
                    results.add(Result.of(single.transform(inputs.get(i), contexts.get(i))));
                } catch (StageException e) {
                    results.add(Result.failed(e));
                }
            } else {
                results.add(Result.failed(failures[i]));
            }
        }
        return results;
    }

    private static void sleepInLockstep(List<GenerationRequested> inputs, List<StageContext> contexts, Exception[] failures)
            throws InterruptedException {
        long millis = inputs.stream().mapToLong(TransformStage::sleepMillis).max().orElse(0);
        if (millis <= 0) {
            return;
        }
        int steps = 10;
        for (int step = 1; step <= steps; step++) {
            Thread.sleep(millis / steps);
            for (int i = 0; i < inputs.size(); i++) {
                if (failures[i] != null) {
                    continue;
                }
                if (contexts.get(i).cancelled()) {
                    failures[i] = new InterruptedException("cancelled at step " + step);
                } else {
                    contexts.get(i).progress(step, steps, "step " + step);
                }
            }
        }
    }

    @Override
    public String name() {
        return single.name();
    }

    @Override
    public String inputTopic() {
        return single.inputTopic();
    }

    @Override
    public Class<GenerationRequested> inputType() {
        return single.inputType();
    }

    @Override
    public String outputTopic() {
        return single.outputTopic();
    }

    @Override
    public void validate(GenerationRequested input, StageContext ctx) throws StageException {
        single.validate(input, ctx);
    }

    @Override
    public FaceDetected process(GenerationRequested input, StageContext ctx) throws Exception {
        return single.process(input, ctx);
    }
}
