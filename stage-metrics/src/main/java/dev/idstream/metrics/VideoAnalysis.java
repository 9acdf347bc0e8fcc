package dev.idstream.metrics;

import dev.idstream.face.Detection;
import java.util.List;

/**
 * Everything measured on one video, independent of the reference: the sampled frames (with their face, if any) and
 * the face motion of every consecutive frame pair that had a face. A reference is scored against it in
 * {@link VideoScores}, so re-scoring against another reference needs no second pass over the video.
 *
 * @param motion one entry per frame pair {@code (t, t+1)} whose frame t had a face
 */
record VideoAnalysis(int frameCount, int width, int height, List<SampledFrame> sampled, List<FaceMotion.PairMotion> motion, int motionPairsWithoutFace) {

    /** A sampled frame: its index and, when a face was found, the scored face. */
    record SampledFrame(int index, FaceScoring.ScoredFace face) {
        boolean hasFace() {
            return face != null;
        }

        Detection box() {
            return face == null ? null : face.face().detection();
        }
    }

    int framesWithFace() {
        return (int) sampled.stream().filter(SampledFrame::hasFace).count();
    }

    int framesWithoutFace() {
        return sampled.size() - framesWithFace();
    }
}
