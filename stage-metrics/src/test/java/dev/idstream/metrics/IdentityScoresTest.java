package dev.idstream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.face.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** RS and IFS on the real talking-head clips (16 sampled frames each; motion is not needed here and is skipped). */
class IdentityScoresTest {

    @Test
    void shouldGiveAVideoAnRsAbove095AgainstAFrameOfItself() throws Exception {
        Path clip = MetricsFixture.data("videos/d3.mp4");
        VideoAnalysis analysis = MetricsFixture.analyzer().analyze(clip, false);
        RgbImage ownFrame = Clips.firstFrames(clip, 1).get(0);

        VideoScores scores = VideoScores.of(MetricsFixture.scoring().score(ownFrame).orElseThrow(), analysis);

        System.out.printf("d3.mp4 against its own first frame: RS %.4f over %d frames%n", scores.rs(), analysis.framesWithFace());
        assertThat(analysis.framesWithFace()).isEqualTo(16);
        assertThat(scores.rs()).isGreaterThan(0.95);
    }

    @Test
    void shouldScoreTheSamePersonClearlyHigherThanOtherPeople() throws Exception {
        VideoAnalysis d3 = MetricsFixture.analyzer().analyze(MetricsFixture.data("videos/d3.mp4"), false);
        double same = rs(d3, "portraits/d3_still.jpg");
        double d9 = rs(d3, "portraits/d9.jpg");
        double hopper = rs(d3, "portraits/grace_hopper.jpg");

        System.out.printf("d3.mp4: RS %.4f vs d3_still.jpg (same person), %.4f vs d9.jpg, %.4f vs grace_hopper.jpg%n", same, d9, hopper);
        // this identity model's cosines run high for everyone (same person ~0.96, different ~0.84, models/README.md):
        // "clearly" here means a margin well above the frame-to-frame noise, and the same order in every single frame
        assertThat(same).isGreaterThan(d9 + 0.03).isGreaterThan(hopper + 0.03);
        FaceScoring.ScoredFace still = reference("portraits/d3_still.jpg");
        FaceScoring.ScoredFace other = reference("portraits/d9.jpg");
        FaceScoring.ScoredFace hopperFace = reference("portraits/grace_hopper.jpg");
        for (VideoAnalysis.SampledFrame frame : d3.sampled()) {
            double s = VideoScores.referenceSimilarity(still, frame.face());
            assertThat(s).as("frame %d", frame.index())
                    .isGreaterThan(VideoScores.referenceSimilarity(other, frame.face()))
                    .isGreaterThan(VideoScores.referenceSimilarity(hopperFace, frame.face()));
        }
    }

    private static FaceScoring.ScoredFace reference(String file) {
        return MetricsFixture.scoring().score(Clips.image(MetricsFixture.data(file))).orElseThrow();
    }

    @Test
    void shouldGiveEveryRealClipAnIfsOfAtLeast08() throws Exception {
        List<Path> clips;
        try (Stream<Path> s = Files.list(MetricsFixture.data("videos"))) {
            clips = s.filter(p -> p.toString().endsWith(".mp4")).sorted().toList();
        }
        assertThat(clips).hasSize(6);
        for (Path clip : clips) {
            VideoAnalysis analysis = MetricsFixture.analyzer().analyze(clip, false);
            RgbImage first = Clips.firstFrames(clip, 1).get(0);
            VideoScores scores = VideoScores.of(MetricsFixture.scoring().score(first).orElseThrow(), analysis);
            System.out.printf("%s: %d frames, %d/%d sampled frames with a face, IFS %.4f, RS vs first frame %.4f, FID/frame %.1f%n",
                    clip.getFileName(), analysis.frameCount(), analysis.framesWithFace(), analysis.sampled().size(),
                    scores.ifs(), scores.rs(), scores.fidPerFrame());
            assertThat(scores.ifs()).as(clip.toString()).isGreaterThanOrEqualTo(0.8);
        }
    }

    private static double rs(VideoAnalysis video, String file) {
        return VideoScores.of(reference(file), video).rs();
    }
}
