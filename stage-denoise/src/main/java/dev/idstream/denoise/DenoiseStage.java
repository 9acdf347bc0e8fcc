package dev.idstream.denoise;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.FailureReason;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.RequestState;
import dev.idstream.events.TokensFused;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * denoise: runs the DiT loop of the generator bundle.
 *
 * <p>PLACEHOLDER until issue 5 lands the generator: there is no diffusion model yet, so this stage writes the
 * reference image, cropped and resized to the requested size, as every frame of a {@code frames} pixel tensor
 * ({@code [F, H, W, 3]} uint8) and reports progress per frame. It exercises the real event flow, artifacts and
 * progress events; it generates nothing. The generator name in the event says so.
 */
public final class DenoiseStage implements Stage<TokensFused, LatentsDenoised> {

    public static final String PLACEHOLDER_GENERATOR = "placeholder-still-frames (no generator model yet)";

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
    public RequestState doneState() {
        return RequestState.LATENTS_DENOISED;
    }

    @Override
    public LatentsDenoised process(TokensFused in, StageContext ctx) throws StageException {
        int frames = in.getParams().getFrames();
        int width = in.getParams().getWidth();
        int height = in.getParams().getHeight();
        BufferedImage reference = readImage(ctx.artifacts().get(in.getReferenceImage()));
        byte[] frame = rgbBytes(coverResize(reference, width, height));
        ByteBuffer data = ByteBuffer.allocate(frame.length * frames).order(ByteOrder.LITTLE_ENDIAN);
        for (int f = 0; f < frames; f++) {
            if (ctx.cancelled()) {
                throw new StageException.Transient("step cancelled by shutdown", null);
            }
            data.put(frame);
            ctx.progress(f + 1, frames, "frame " + (f + 1) + "/" + frames);
        }
        data.flip();
        Tensor pixels = new Tensor(Tensor.DType.U8, new long[] {frames, height, width, 3}, data);
        return LatentsDenoised.newBuilder()
                .setRequestId(in.getRequestId())
                .setTraceparent(ctx.traceparent())
                .setCreatedAt(Instant.now())
                .setParams(in.getParams())
                .setReference(in.getReference())
                .setReferenceImage(in.getReferenceImage())
                .setLatents(ctx.artifacts().putTensors(ctx.key("latents.safetensors"), Map.of("frames", pixels)))
                .setGenerator(PLACEHOLDER_GENERATOR)
                .build();
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

    /** Scales to cover the target and crops the centre, keeping the aspect ratio. */
    static BufferedImage coverResize(BufferedImage src, int width, int height) {
        double scale = Math.max((double) width / src.getWidth(), (double) height / src.getHeight());
        int sw = (int) Math.ceil(src.getWidth() * scale);
        int sh = (int) Math.ceil(src.getHeight() * scale);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, (width - sw) / 2, (height - sh) / 2, sw, sh, null);
        g.dispose();
        return out;
    }

    private static byte[] rgbBytes(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return rgb;
    }
}
