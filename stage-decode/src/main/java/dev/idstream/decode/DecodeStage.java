package dev.idstream.decode;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.core.config.GeneratorSettings;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.FailureReason;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoOrigin;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * decode: turns the denoised output into an MP4, a poster frame and a contact sheet, and emits {@code VideoDecoded}.
 *
 * <p>The latents ({@code [F', C, h, w]} F32, tensor {@code latents}) go through the generator bundle's VAE decoder
 * in chunks of {@link #CHUNK_LATENT_FRAMES} latent frames ({@link LatentVideoDecoder}).
 */
public final class DecodeStage implements Stage<LatentsDenoised, VideoDecoded> {

    /**
     * 4 latent frames (13 video frames, 16 after the first chunk) per decoder run: chunking is exact (the decoder
     * carries its convolution cache), so the chunk only trades memory against per-run overhead.
     */
    static final int CHUNK_LATENT_FRAMES = 4;

    private final GeneratorBundle bundle;

    public DecodeStage(GeneratorBundle bundle) {
        this.bundle = bundle.open(Role.VAE_DECODER);
    }

    /** The stage as deployed: the configured generator bundle, its decoder opened now, run with {@code onnx}. */
    public static DecodeStage create(GeneratorSettings generator, OrtSettings onnx) {
        return new DecodeStage(GeneratorBundle.load(generator, onnx));
    }

    @Override
    public synchronized void close() {
        bundle.close();
    }

    @Override
    public String name() {
        return "decode";
    }

    @Override
    public String inputTopic() {
        return Topics.LATENTS;
    }

    @Override
    public Class<LatentsDenoised> inputType() {
        return LatentsDenoised.class;
    }

    @Override
    public String outputTopic() {
        return Topics.VIDEOS;
    }

    @Override
    public VideoDecoded process(LatentsDenoised in, StageContext ctx) throws Exception {
        Map<String, Tensor> tensors = ctx.artifacts().getTensors(in.getLatents());
        List<BufferedImage> frames = new LatentVideoDecoder(bundle, CHUNK_LATENT_FRAMES)
                .decode(checkedLatents(tensors, bundle));
        int fps = in.getParams().getFps();
        Path mp4 = Files.createTempFile("idstream-" + in.getRequestId(), ".mp4");
        try {
            Mp4Writer.write(frames, fps, mp4);
            BufferedImage first = frames.get(0);
            return VideoDecoded.newBuilder()
                    .setRequestId(in.getRequestId())
                    .setTraceparent(ctx.traceparent())
                    .setCreatedAt(Instant.now())
                    .setOrigin(VideoOrigin.GENERATED)
                    .setVideo(ctx.artifacts().putFile(ctx.key("video.mp4"), mp4, "video/mp4"))
                    .setPoster(ctx.artifacts().put(ctx.key("poster.png"), png(first), "image/png"))
                    .setContactSheet(ctx.artifacts().put(ctx.key("contact-sheet.png"), png(ContactSheet.of(frames, 16, 160)), "image/png"))
                    .setReference(in.getReference())
                    .setModelVersion(in.getParams().getModelVersion())
                    .setEvalSetId(in.getParams().getEvalSetId())
                    .setLabel(in.getParams().getLabel())
                    .setPrompt(in.getParams().getPrompt())
                    .setFrames(frames.size())
                    .setWidth(first.getWidth())
                    .setHeight(first.getHeight())
                    .setFps(fps)
                    .build();
        } finally {
            Files.deleteIfExists(mp4);
        }
    }

    /** The {@code latents} tensor, F32 {@code [F', C, h, w]} with the bundle's latent channels. */
    static Tensor checkedLatents(Map<String, Tensor> tensors, GeneratorBundle generator) throws StageException.BadInput {
        Tensor latents = tensors.get("latents");
        if (latents == null) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the latents artifact holds " + tensors.keySet()
                    + "; decode reads an F32 tensor 'latents' [frames, channels, height, width]");
        }
        long[] s = latents.shape();
        if (latents.dtype() != Tensor.DType.F32 || s.length != 4 || s[0] < 1 || s[1] != generator.geometry().channels()
                || s[2] < 1 || s[3] < 1) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the latents tensor is " + latents.dtype() + " "
                    + Arrays.toString(s) + "; " + generator.id() + " decodes F32 [frames, "
                    + generator.geometry().channels() + ", height, width]");
        }
        return latents;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
