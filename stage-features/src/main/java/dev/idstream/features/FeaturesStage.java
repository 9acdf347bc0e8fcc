package dev.idstream.features;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.RequestState;
import dev.idstream.events.TokensFused;
import java.time.Instant;

/**
 * features: builds the ID descriptor V_F from the aligned face and its 3D points.
 *
 * <p>Not yet implemented (issue 5 brings the generator bundle's id_encoder): today this stage verifies the
 * reference image artifact and passes it on with {@code idTokens = null}, which the README states plainly.
 */
public final class FeaturesStage implements Stage<FaceDetected, TokensFused> {

    @Override
    public String name() {
        return "features";
    }

    @Override
    public String inputTopic() {
        return Topics.FACES;
    }

    @Override
    public Class<FaceDetected> inputType() {
        return FaceDetected.class;
    }

    @Override
    public String outputTopic() {
        return Topics.TOKENS;
    }

    @Override
    public RequestState doneState() {
        return RequestState.TOKENS_FUSED;
    }

    @Override
    public TokensFused process(FaceDetected faces, StageContext ctx) throws StageException {
        ctx.artifacts().get(faces.getImage()); // verifies existence, size and sha256
        return TokensFused.newBuilder()
                .setRequestId(faces.getRequestId())
                .setTraceparent(ctx.traceparent())
                .setCreatedAt(Instant.now())
                .setParams(faces.getParams())
                .setReference(faces.getReference())
                .setReferenceImage(faces.getImage())
                .setIdTokens(null)
                .build();
    }
}
