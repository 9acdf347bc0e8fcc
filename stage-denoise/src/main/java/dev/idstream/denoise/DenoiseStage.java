package dev.idstream.denoise;

import dev.idstream.core.BatchingStage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.core.config.GeneratorSettings;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.TokensFused;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * denoise: the DiT loop of the generator bundle ({@link VideoDenoiser}) on the request's V_F and reference image;
 * writes the latents, F32 {@code [F', C, h, w]} whatever the generator bundle's precision, as safetensors tensor
 * {@code latents} and reports progress per step.
 * The bundle is the configured one ({@code models.generator.bundle}), its roles opened when the stage is made (a
 * bundle it cannot serve stops it at start-up). Requests of one shape that are
 * queued together run through the DiT in one batch ({@link VideoDenoiser#generateBatch}, {@code runtime.batch.max.size}).
 */
public final class DenoiseStage implements BatchingStage<TokensFused, LatentsDenoised> {

    private final GeneratorBundle bundle;

    public DenoiseStage(GeneratorBundle bundle) {
        this.bundle = bundle.open(Role.TEXT_ENCODER, Role.VAE_ENCODER, Role.DENOISER);
    }

    /** The stage as deployed: the configured generator bundle, its roles opened now, run with {@code onnx}. */
    public static DenoiseStage create(GeneratorSettings generator, OrtSettings onnx) {
        return new DenoiseStage(GeneratorBundle.load(generator, onnx));
    }

    @Override
    public String name() {
        return "denoise";
    }

    @Override
    public String inputTopic() {
        return Topics.TOKENS;
    }

    @Override
    public Class<TokensFused> inputType() {
        return TokensFused.class;
    }

    @Override
    public String outputTopic() {
        return Topics.LATENTS;
    }

    @Override
    public void validate(TokensFused in, StageContext ctx) throws StageException {
        if (in.getIdTokens() == null) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT,
                    "the request has no ID descriptor (idTokens): the features stage did not compute V_F");
        }
        GenerationShapeCheck.check(in.getParams(), bundle);
    }

    @Override
    public LatentsDenoised process(TokensFused in, StageContext ctx) throws Exception {
        VideoDenoiser.Job job = job(in, ctx, bundle);
        VideoDenoiser.Result result = new VideoDenoiser(bundle).generate(job.request(), job.idTokens(), job.reference(), job.listener());
        return output(in, ctx, bundle, result);
    }

    /** Requests run through the DiT together when their latent shape and step count match; guidance is per row. */
    @Override
    public Object batchKey(TokensFused in) {
        return request(in.getParams()).shape();
    }

    @Override
    public List<Result<LatentsDenoised>> processBatch(List<TokensFused> inputs, List<StageContext> contexts) throws Exception {
        List<Result<LatentsDenoised>> results = new ArrayList<>(Collections.nCopies(inputs.size(), null));
        List<VideoDenoiser.Job> jobs = new ArrayList<>();
        List<Integer> jobInput = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            try {
                jobs.add(job(inputs.get(i), contexts.get(i), bundle));
                jobInput.add(i);
            } catch (StageException e) {
                results.set(i, Result.failed(e)); // this request's artifacts are bad or unreachable: it leaves the batch
            }
        }
        if (!jobs.isEmpty()) {
            List<VideoDenoiser.Outcome> outcomes = new VideoDenoiser(bundle).generateBatch(jobs);
            for (int j = 0; j < jobs.size(); j++) {
                int i = jobInput.get(j);
                VideoDenoiser.Outcome outcome = outcomes.get(j);
                if (outcome.failure() != null) {
                    results.set(i, Result.failed(outcome.failure()));
                    continue;
                }
                try {
                    results.set(i, Result.of(output(inputs.get(i), contexts.get(i), bundle, outcome.result())));
                } catch (StageException e) {
                    results.set(i, Result.failed(e));
                }
            }
        }
        return results;
    }

    /** Reads the request's V_F and reference image; its listener publishes progress and stops on cancellation. */
    private static VideoDenoiser.Job job(TokensFused in, StageContext ctx, GeneratorBundle generator) throws StageException {
        Tensor idTokens = idTokens(ctx.artifacts().getTensors(in.getIdTokens()), generator);
        BufferedImage reference = readImage(ctx.artifacts().get(in.getReferenceImage()));
        return new VideoDenoiser.Job(request(in.getParams()), idTokens, reference, (step, total) -> {
            if (ctx.cancelled()) {
                throw new StageException.Transient("denoising cancelled after step " + step + "/" + total, null);
            }
            ctx.progress(step, total, "step " + step + "/" + total);
        });
    }

    private static VideoDenoiser.Request request(GenerationParams p) {
        return new VideoDenoiser.Request(p.getPrompt(), p.getNegativePrompt(), p.getSeed(), p.getFrames(), p.getWidth(), p.getHeight(),
                p.getSteps(), p.getGuidanceScale());
    }

    private static LatentsDenoised output(TokensFused in, StageContext ctx, GeneratorBundle generator, VideoDenoiser.Result result)
            throws StageException {
        return LatentsDenoised.newBuilder()
                .setRequestId(in.getRequestId())
                .setTraceparent(ctx.traceparent())
                .setCreatedAt(Instant.now())
                .setParams(in.getParams())
                .setReference(in.getReference())
                .setReferenceImage(in.getReferenceImage())
                .setLatents(ctx.artifacts().putTensors(ctx.key("latents.safetensors"), Map.of("latents", result.latents())))
                .setGenerator(generator.id())
                .build();
    }

    private static Tensor idTokens(Map<String, Tensor> tensors, GeneratorBundle generator) throws StageException.BadInput {
        Tensor t = tensors.get("id_tokens");
        long[] want = generator.geometry().idTokensShape();
        if (t == null || t.dtype() != Tensor.DType.F32 || t.elementCount() != want[0] * want[1]) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the idTokens artifact must hold an F32 tensor "
                    + "'id_tokens' of " + want[0] + "x" + want[1] + " values for " + generator.id() + "; it holds "
                    + (t == null ? tensors.keySet() : t.dtype() + " " + java.util.Arrays.toString(t.shape())));
        }
        return t;
    }

    private static BufferedImage readImage(byte[] bytes) throws StageException.BadInput {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new StageException.BadInput(FailureReason.BAD_INPUT, "the reference image artifact is not a readable image");
            }
            return image;
        } catch (IOException e) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the reference image artifact cannot be decoded: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        bundle.close();
    }
}
