package dev.idstream.core.testing;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.artifacts.ArtifactStore;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.GenerationRequested;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small but real stage for runtime tests: validates the prompt against the input limits, reads the reference
 * artifact from S3 (checksum verified), reverses its bytes into {@code requests/<id>/<stage>/transformed.bin}, and
 * emits {@code FaceDetected} pointing at it. Words in the prompt script faults, so behaviour is the same in any process:
 * <ul>
 *   <li>{@code sleep=<ms>}: the step takes that long, publishing progress every 10 % and stopping early when cancelled
 *       (unless the prompt also says {@code ignorecancel});
 *   <li>{@code transient=<n>}: the first n attempts fail with {@link StageException.Transient};
 *   <li>{@code noface}: fails with {@link StageException.BadInput} (NO_FACE);
 *   <li>{@code boom}: throws an unexpected exception (a bug);
 *   <li>{@code hugeoutput}: returns an output event too large for Kafka (2 MiB label).
 * </ul>
 * {@link BatchingTransformStage} runs the same steps in batches.
 */
public final class TransformStage implements Stage<GenerationRequested, FaceDetected> {

    public static final String OUTPUT_NAME = "transformed.bin";

    private final String name;
    private final String inputTopic;
    private final String outputTopic;
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    public TransformStage(String name, String inputTopic, String outputTopic) {
        this.name = name;
        this.inputTopic = inputTopic;
        this.outputTopic = outputTopic;
    }

    /** Uploads {@code reference} and builds the request event that asks for it, with the given prompt. */
    public static GenerationRequested request(ArtifactStore artifacts, String requestId, byte[] reference, String prompt,
                                              String traceparent) throws StageException {
        ArtifactRef ref = artifacts.put(new ArtifactKey(requestId, "upload", "reference.bin"), reference, "application/octet-stream");
        return GenerationRequested.newBuilder()
                .setRequestId(requestId)
                .setTraceparent(traceparent)
                .setCreatedAt(Instant.now())
                .setReference(ref)
                .setParams(GenerationParams.newBuilder().setPrompt(prompt).build())
                .build();
    }

    /** How often {@link #process} was entered for a request (attempts and redeliveries included). */
    public int invocations(String requestId) {
        AtomicInteger n = attempts.get(requestId);
        return n == null ? 0 : n.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String inputTopic() {
        return inputTopic;
    }

    @Override
    public Class<GenerationRequested> inputType() {
        return GenerationRequested.class;
    }

    @Override
    public String outputTopic() {
        return outputTopic;
    }

    @Override
    public void validate(GenerationRequested input, StageContext ctx) throws StageException {
        int length = input.getParams().getPrompt().length();
        if (length > ctx.limits().maxPromptChars()) {
            throw new StageException.BadInput(FailureReason.LIMIT_EXCEEDED,
                    "the prompt is " + length + " characters long, the limit is " + ctx.limits().maxPromptChars());
        }
    }

    @Override
    public FaceDetected process(GenerationRequested input, StageContext ctx) throws Exception {
        checkFaults(input, ctx);
        String prompt = input.getParams().getPrompt();
        sleepWithProgress(sleepMillis(input), !has(prompt, "ignorecancel"), ctx);
        return transform(input, ctx);
    }

    /** Counts the attempt and throws what the prompt scripts ({@code transient=<n>}, {@code noface}, {@code boom}). */
    public void checkFaults(GenerationRequested input, StageContext ctx) throws StageException {
        int attempt = attempts.computeIfAbsent(ctx.requestId(), k -> new AtomicInteger()).incrementAndGet();
        String prompt = input.getParams().getPrompt();
        if (attempt <= directive(prompt, "transient")) {
            throw new StageException.Transient("simulated S3 outage on attempt " + attempt, new IOException("connection refused"));
        }
        if (has(prompt, "noface")) {
            throw new StageException.BadInput(FailureReason.NO_FACE, "no face found in the reference image");
        }
        if (has(prompt, "boom")) {
            throw new IllegalStateException("simulated bug in " + name, new ArithmeticException("/ by zero"));
        }
    }

    /** The step's work without faults or sleep: the reversed reference as an artifact and the event pointing at it. */
    public FaceDetected transform(GenerationRequested input, StageContext ctx) throws StageException {
        byte[] transformed = reversed(ctx.artifacts().get(input.getReference()));
        ArtifactRef image = ctx.artifacts().put(ctx.key(OUTPUT_NAME), transformed, "application/octet-stream");
        GenerationParams params = input.getParams();
        if (has(params.getPrompt(), "hugeoutput")) {
            params = GenerationParams.newBuilder(params).setLabel("x".repeat(2 << 20)).build();
        }
        return FaceDetected.newBuilder()
                .setRequestId(ctx.requestId())
                .setTraceparent(ctx.traceparent())
                .setCreatedAt(Instant.now())
                .setParams(params)
                .setReference(input.getReference())
                .setImage(image)
                .setFacesFound(0)
                .setFaces(List.of())
                .build();
    }

    /** The {@code sleep=<ms>} of the prompt, 0 without one. */
    public static long sleepMillis(GenerationRequested input) {
        return directive(input.getParams().getPrompt(), "sleep");
    }

    public static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    private static void sleepWithProgress(long millis, boolean honourCancel, StageContext ctx) throws InterruptedException {
        if (millis <= 0) {
            return;
        }
        int steps = 10;
        for (int step = 1; step <= steps; step++) {
            if (honourCancel && ctx.cancelled()) {
                throw new InterruptedException("cancelled at step " + step);
            }
            Thread.sleep(millis / steps);
            ctx.progress(step, steps, "step " + step);
        }
    }

    public static boolean has(String prompt, String word) {
        return List.of(prompt.split("\\s+")).contains(word);
    }

    /** The value of the prompt's {@code name=<value>} word, null without one. */
    public static String word(String prompt, String name) {
        for (String word : prompt.split("\\s+")) {
            if (word.startsWith(name + "=")) {
                return word.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static long directive(String prompt, String name) {
        String value = word(prompt, name);
        return value == null ? 0 : Long.parseLong(value);
    }
}
