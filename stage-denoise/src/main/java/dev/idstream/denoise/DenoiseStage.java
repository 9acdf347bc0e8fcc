package dev.idstream.denoise;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.generator.LazyGeneratorBundle;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.TokensFused;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * denoise: the DiT loop of the generator bundle ({@link VideoDenoiser}) on the request's V_F and reference image;
 * writes the latents {@code [F', C, h, w]} as safetensors tensor {@code latents} and reports progress per step.
 * The bundle is {@link GeneratorBundle#defaultLocation()}, loaded on first use.
 */
public final class DenoiseStage implements Stage<TokensFused, LatentsDenoised> {

    private final LazyGeneratorBundle bundle;

    public DenoiseStage() {
        this(null);
    }

    public DenoiseStage(GeneratorBundle bundle) {
        this.bundle = new LazyGeneratorBundle(bundle);
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
        GenerationShapeCheck.check(in.getParams(), bundle.get());
    }

    @Override
    public LatentsDenoised process(TokensFused in, StageContext ctx) throws Exception {
        GeneratorBundle generator = bundle.get();
        Tensor idTokens = idTokens(ctx.artifacts().getTensors(in.getIdTokens()), generator);
        BufferedImage reference = readImage(ctx.artifacts().get(in.getReferenceImage()));
        GenerationParams p = in.getParams();
        VideoDenoiser.Result result = new VideoDenoiser(generator).generate(
                new VideoDenoiser.Request(p.getPrompt(), p.getNegativePrompt(), p.getSeed(), p.getFrames(),
                        p.getWidth(), p.getHeight(), p.getSteps(), p.getGuidanceScale()),
                idTokens, reference, (step, total) -> {
                    if (ctx.cancelled()) {
                        throw new StageException.Transient("denoising cancelled after step " + step + "/" + total, null);
                    }
                    ctx.progress(step, total, "step " + step + "/" + total);
                });
        return LatentsDenoised.newBuilder()
                .setRequestId(in.getRequestId())
                .setTraceparent(ctx.traceparent())
                .setCreatedAt(Instant.now())
                .setParams(p)
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
