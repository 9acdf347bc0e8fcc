package dev.idstream.face;

import dev.idstream.core.InputLimits;
import dev.idstream.face.video.FrameSampling;
import dev.idstream.face.video.VideoReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The video half of FantasyID §3.2's multi-view face collection: samples frames evenly, analyses each (detection
 * confirmed by FaceMesh, with the grey-padding retry of DESIGN.md §6 for faces that fill the frame), and keeps the
 * frames that show exactly one face of at least the minimum size as candidates. Frames with several faces are left
 * out: which face is the person would be a guess. {@link FarthestPoseSelection} then picks among the candidates.
 *
 * <p>Only poses and face geometry are kept from the sampled frames; the chosen frames are decoded again by
 * {@link #forEachChosen}, so memory does not grow with the number of sampled frames.
 */
public final class MultiViewCollector {

    private final FaceAnalyzer analyzer;
    private final int sampledFrames;
    private final int minFaceSize;

    /** One sampled frame that shows exactly one usable face. */
    public record Candidate(int frameIndex, AnalyzedFace face) {}

    /** What the sampled frames gave. */
    public record Candidates(VideoReader.VideoInfo video, int framesSampled, int framesWithoutFace,
            int framesWithSeveralFaces, int framesWithSmallFace, List<Candidate> candidates) {

        /**
         * e.g. "24 frames sampled of 250: 20 with one face, 2 without a face, 1 with several faces, 1 with a face
         * smaller than the minimum".
         */
        public String describe() {
            return framesSampled + " frames sampled of " + video.frameCount() + ": " + candidates.size() + " with one face, "
                    + framesWithoutFace + " without a face, " + framesWithSeveralFaces + " with several faces, "
                    + framesWithSmallFace + " with a face smaller than the minimum";
        }
    }

    public interface ChosenFrameVisitor {
        void frame(Candidate candidate, RgbImage image) throws Exception;
    }

    /**
     * @param sampledFrames frames sampled by {@code round(linspace(0, F-1, N))}
     * @param minFaceSize   a face whose box is narrower or lower than this (pixels) is not a candidate
     */
    public MultiViewCollector(FaceAnalyzer analyzer, int sampledFrames, int minFaceSize) {
        if (sampledFrames < 1) {
            throw new IllegalArgumentException("at least one frame must be sampled, was " + sampledFrames);
        }
        this.analyzer = analyzer;
        this.sampledFrames = sampledFrames;
        this.minFaceSize = minFaceSize;
    }

    /**
     * Checks the video against the limits ({@link VideoReader#probe}), then analyses the sampled frames.
     *
     * @param what how messages name the video, e.g. "the reference video"
     */
    public Candidates candidates(Path video, String what, InputLimits limits) throws Exception {
        VideoReader.VideoInfo info = VideoReader.probe(video, what, limits);
        TreeSet<Integer> picks = FrameSampling.linspace(info.frameCount(), sampledFrames);
        List<Candidate> candidates = new ArrayList<>();
        int[] without = {0};
        int[] several = {0};
        int[] small = {0};
        int last = picks.last();
        VideoReader.forEachFrame(video, (index, image) -> {
            if (picks.contains(index)) {
                List<AnalyzedFace> faces = analyzer.analyzeAllWithRetry(image);
                if (faces.isEmpty()) {
                    without[0]++;
                } else if (faces.size() > 1) {
                    several[0]++;
                } else if (Math.min(faces.get(0).detection().width(), faces.get(0).detection().height()) < minFaceSize) {
                    small[0]++;
                } else {
                    candidates.add(new Candidate(index, faces.get(0)));
                }
            }
            return index < last;
        });
        return new Candidates(info, picks.size(), without[0], several[0], small[0], candidates);
    }

    /** Decodes the video again and hands over each chosen candidate with its frame, in frame order. */
    public static void forEachChosen(Path video, List<Candidate> chosen, ChosenFrameVisitor visitor) throws Exception {
        if (chosen.isEmpty()) {
            return;
        }
        TreeMap<Integer, Candidate> byFrame = new TreeMap<>();
        chosen.forEach(c -> byFrame.put(c.frameIndex(), c));
        int last = byFrame.lastKey();
        VideoReader.forEachFrame(video, (index, image) -> {
            Candidate candidate = byFrame.get(index);
            if (candidate != null) {
                visitor.frame(candidate, image);
            }
            return index < last;
        });
    }
}
