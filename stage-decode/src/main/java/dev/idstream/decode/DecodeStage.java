package dev.idstream.decode;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.FailureReason;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.RequestState;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoOrigin;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * decode: turns the denoised output into an MP4, a poster frame and a contact sheet, and emits {@code VideoDecoded}.
 *
 * <p>Today's input is the placeholder's {@code frames} pixel tensor ({@code [F, H, W, 3]} uint8); the VAE decoder
 * for {@code latents} comes with the generator bundle (issue 5).
 */
public final class DecodeStage implements Stage<LatentsDenoised, VideoDecoded> {

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
    public RequestState doneState() {
        return RequestState.VIDEO_DECODED;
    }

    @Override
    public VideoDecoded process(LatentsDenoised in, StageContext ctx) throws Exception {
        Map<String, Tensor> tensors = ctx.artifacts().getTensors(in.getLatents());
        Tensor pixels = tensors.get("frames");
        if (pixels == null) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the latents artifact holds " + tensors.keySet()
                    + "; this decode stage reads a 'frames' pixel tensor (no VAE decoder is configured yet)");
        }
        List<BufferedImage> frames = toImages(pixels);
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

    static List<BufferedImage> toImages(Tensor pixels) throws StageException.BadInput {
        long[] s = pixels.shape();
        if (pixels.dtype() != Tensor.DType.U8 || s.length != 4 || s[3] != 3 || s[0] < 1) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the frames tensor is " + pixels.dtype() + " "
                    + Arrays.toString(s) + "; expected U8 [frames, height, width, 3]");
        }
        int f = (int) s[0];
        int h = (int) s[1];
        int w = (int) s[2];
        ByteBuffer data = pixels.data().duplicate();
        List<BufferedImage> frames = new ArrayList<>(f);
        int[] argb = new int[w * h];
        for (int i = 0; i < f; i++) {
            for (int p = 0; p < argb.length; p++) {
                argb[p] = (data.get() & 0xff) << 16 | (data.get() & 0xff) << 8 | (data.get() & 0xff);
            }
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            image.setRGB(0, 0, w, h, argb, 0, w);
            frames.add(image);
        }
        return frames;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
