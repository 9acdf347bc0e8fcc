package dev.idstream.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.idstream.face.RgbImage;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FM (and IFS on still content) on clips with known motion, through MP4 encoding and decoding as in the stage. */
class FaceMotionTest {

    @TempDir
    Path dir;

    @Test
    void shouldMeasureTheKnownMotionOfAPanningFaceWithin5Percent() throws Exception {
        RgbImage portrait = Clips.image(MetricsFixture.data("portraits/grace_hopper.jpg"));
        double dx = 1.5;
        double dy = -1.0;
        Path clip = Clips.write(Clips.panning(portrait, 320, 20, dx, dy), dir.resolve("panning.mp4"), 25);

        VideoAnalysis analysis = MetricsFixture.analyzer().analyze(clip, true);
        VideoScores scores = VideoScores.of(MetricsFixture.scoring().score(portrait).orElseThrow(), analysis);

        double expected = Math.hypot(dx, dy);
        System.out.printf("panning by (%.1f, %.1f): FM %.4f px/frame (expected %.4f), normalised %.5f, %d pairs%n",
                dx, dy, scores.fm(), expected, scores.fmNormalized(), analysis.motion().size());
        assertThat(analysis.motion()).hasSize(19);
        assertThat(scores.fm()).isCloseTo(expected, within(0.05 * expected));
        assertThat(scores.fmNormalized()).isBetween(expected / 400, expected / 40);
    }

    @Test
    void shouldFindNoMotionAndNearPerfectStabilityInAStillVideoAndMoreMotionInARealTalkingHead() throws Exception {
        RgbImage still = Clips.image(MetricsFixture.data("portraits/d3_still.jpg"));
        Path stillClip = Clips.write(Collections.nCopies(24, still), dir.resolve("still.mp4"), 25);
        VideoAnalysis stillAnalysis = MetricsFixture.analyzer().analyze(stillClip, true);
        VideoScores stillScores = VideoScores.of(MetricsFixture.scoring().score(still).orElseThrow(), stillAnalysis);

        // two seconds of a real clip: enough frames for motion, quick on 2 cores
        List<RgbImage> talking = Clips.firstFrames(MetricsFixture.data("videos/d3.mp4"), 50);
        Path talkingClip = Clips.write(talking, dir.resolve("talking.mp4"), 25);
        VideoAnalysis talkingAnalysis = MetricsFixture.analyzer().analyze(talkingClip, true);
        VideoScores talkingScores = VideoScores.of(MetricsFixture.scoring().score(still).orElseThrow(), talkingAnalysis);

        System.out.printf("still: FM %.4f px/frame, IFS %.5f; talking head (d3, 50 frames): FM %.4f px/frame, IFS %.4f%n",
                stillScores.fm(), stillScores.ifs(), talkingScores.fm(), talkingScores.ifs());
        assertThat(stillScores.fm()).isLessThan(0.05);
        assertThat(stillScores.ifs()).isGreaterThan(0.99);
        assertThat(talkingScores.fm()).isGreaterThan(stillScores.fm() + 0.1);
    }
}
