package dev.idstream.metrics;

import dev.idstream.face.Detection;
import dev.idstream.face.video.FrameSampling;
import dev.idstream.face.video.VideoReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One pass over a video (after counting its frames): every frame goes through face detection and optical flow for
 * FM; the N frames sampled by linspace are also scored for identity and FID (DESIGN.md §6).
 */
final class VideoAnalyzer {

    private final FaceScoring scoring;
    private final int sampledFrames;

    VideoAnalyzer(FaceScoring scoring, int sampledFrames) {
        this.scoring = scoring;
        this.sampledFrames = sampledFrames;
    }

    /** @param withMotion false skips the optical flow (and the per-frame detection it needs): FM is then not measured */
    VideoAnalysis analyze(Path video, boolean withMotion) throws Exception {
        return analyze(video, VideoReader.countFrames(video), withMotion);
    }

    /** As {@link #analyze(Path, boolean)}, for a video whose decodable frames were already counted (by a probe). */
    VideoAnalysis analyze(Path video, int frameCount, boolean withMotion) throws Exception {
        Set<Integer> picks = FrameSampling.linspace(frameCount, sampledFrames);
        List<VideoAnalysis.SampledFrame> sampled = new ArrayList<>();
        List<FaceMotion.PairMotion> motion = new ArrayList<>();
        int[] pairsWithoutFace = {0};
        int[] size = {0, 0};
        int last = withMotion ? frameCount - 1 : picks.stream().mapToInt(Integer::intValue).max().orElse(0);
        try (FaceMotion flow = new FaceMotion()) {
            VideoReader.forEachFrame(video, (index, image) -> {
                size[0] = image.width();
                size[1] = image.height();
                if (picks.contains(index)) {
                    sampled.add(new VideoAnalysis.SampledFrame(index, scoring.score(image).orElse(null)));
                }
                if (withMotion) {
                    Detection box = scoring.analyzer().largestFaceBox(image).orElse(null);
                    FaceMotion.PairMotion m = flow.next(image, box);
                    if (m != null) {
                        motion.add(m);
                    } else if (index > 0) {
                        pairsWithoutFace[0]++;
                    }
                }
                return index < last;
            });
        }
        return new VideoAnalysis(frameCount, size[0], size[1], sampled, withMotion ? motion : null, pairsWithoutFace[0]);
    }
}
