package dev.idstream.detect;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.core.validation.RequestValidator;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.RequestState;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * detect: validates the request and its reference image, stores the upright image as PNG, emits {@code FaceDetected}.
 *
 * <p>Face detection, alignment and FaceMesh come with the face bundle (issue 3/4); until then this stage
 * reports no faces and later stages work on the whole image.
 */
public final class DetectStage implements Stage<GenerationRequested, FaceDetected> {

    @Override
    public String name() {
        return "detect";
    }

    @Override
    public String inputTopic() {
        return Topics.REQUESTS;
    }

    @Override
    public Class<GenerationRequested> inputType() {
        return GenerationRequested.class;
    }

    @Override
    public String outputTopic() {
        return Topics.FACES;
    }

    @Override
    public RequestState doneState() {
        return RequestState.FACE_DETECTED;
    }

    @Override
    public void validate(GenerationRequested request, StageContext ctx) throws StageException {
        new RequestValidator(ctx.limits()).validate(request.getParams());
        long size = request.getReference().getSizeBytes();
        if (size > ctx.limits().maxImageBytes()) {
            throw new StageException.BadInput(FailureReason.LIMIT_EXCEEDED, String.format(
                    "the reference image is %,d bytes, the limit is %,d bytes", size, ctx.limits().maxImageBytes()));
        }
    }

    @Override
    public FaceDetected process(GenerationRequested request, StageContext ctx) throws StageException {
        byte[] bytes = ctx.artifacts().get(request.getReference());
        BufferedImage image = new ReferenceImageDecoder(ctx.limits()).decode(bytes);
        ArtifactRef png = ctx.artifacts().put(ctx.key("image.png"), encodePng(image), "image/png");
        return FaceDetected.newBuilder()
                .setRequestId(request.getRequestId())
                .setTraceparent(ctx.traceparent())
                .setCreatedAt(Instant.now())
                .setParams(request.getParams())
                .setReference(request.getReference())
                .setImage(png)
                .setFacesFound(0)
                .setFaces(List.of())
                .build();
    }

    private static byte[] encodePng(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding to memory failed", e);
        }
    }
}
