package dev.idstream.aggregates;

import dev.idstream.events.ArtifactRef;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.GenerationRequested;
import dev.idstream.events.LatentsDenoised;
import dev.idstream.events.RequestState;
import dev.idstream.events.RequestStatus;
import dev.idstream.events.StageFailed;
import dev.idstream.events.TokensFused;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import java.time.Instant;

/**
 * The request state each pipeline event stands for, and the rule that a request's state only moves forward:
 * REQUESTED → FACE_DETECTED → TOKENS_FUSED → LATENTS_DENOISED → VIDEO_DECODED → SCORED, and FAILED is terminal.
 * A late, repeated or replayed earlier event changes nothing, and neither does a failure after SCORED: a re-scoring
 * metrics deployment ({@code metrics-<evaluator>}) that fails does not undo the score the request already has.
 */
final class StatusTransitions {

    private StatusTransitions() {}

    /** The new status, or null when {@code candidate} would not move {@code current} forward. */
    static RequestStatus next(RequestStatus current, RequestStatus candidate) {
        if (current == null) {
            return candidate;
        }
        if (current.getState() == RequestState.FAILED || current.getState() == RequestState.SCORED
                || rank(candidate.getState()) <= rank(current.getState())) {
            return null;
        }
        if (candidate.getVideo() == null && current.getVideo() != null) {
            // e.g. FAILED in metrics after VIDEO_DECODED: the video exists and stays findable
            return RequestStatus.newBuilder(candidate).setVideo(current.getVideo()).build();
        }
        return candidate;
    }

    /** The schema lists the states in pipeline order, FAILED last. */
    private static int rank(RequestState state) {
        return state.ordinal();
    }

    static RequestStatus requested(GenerationRequested e) {
        return status(e.getRequestId(), e.getCreatedAt(), RequestState.REQUESTED, "request", null);
    }

    static RequestStatus faceDetected(FaceDetected e) {
        return status(e.getRequestId(), e.getCreatedAt(), RequestState.FACE_DETECTED, "detect", null);
    }

    static RequestStatus tokensFused(TokensFused e) {
        return status(e.getRequestId(), e.getCreatedAt(), RequestState.TOKENS_FUSED, "features", null);
    }

    static RequestStatus latentsDenoised(LatentsDenoised e) {
        return status(e.getRequestId(), e.getCreatedAt(), RequestState.LATENTS_DENOISED, "denoise", null);
    }

    /** A video made elsewhere and submitted for scoring ({@code eval}) has origin EXTERNAL. */
    static RequestStatus videoDecoded(VideoDecoded e) {
        String stage = e.getOrigin() == VideoOrigin.EXTERNAL ? "eval" : "decode";
        return status(e.getRequestId(), e.getCreatedAt(), RequestState.VIDEO_DECODED, stage, e.getVideo());
    }

    static RequestStatus scored(VideoMetrics e) {
        return status(e.getRequestId(), e.getCreatedAt(), RequestState.SCORED, "metrics", e.getVideo());
    }

    static RequestStatus failed(StageFailed e) {
        return RequestStatus.newBuilder(status(e.getRequestId(), e.getCreatedAt(), RequestState.FAILED, e.getStage(), null))
                .setMessage(e.getMessage())
                .setFailureReason(e.getReason())
                .build();
    }

    private static RequestStatus status(String requestId, Instant at, RequestState state, String stage, ArtifactRef video) {
        return RequestStatus.newBuilder()
                .setRequestId(requestId)
                .setUpdatedAt(at)
                .setState(state)
                .setStage(stage)
                .setVideo(video)
                .build();
    }
}
