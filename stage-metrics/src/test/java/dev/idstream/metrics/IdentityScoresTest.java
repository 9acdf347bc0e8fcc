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
        // same-identity cosines average ~0.96 with this model, different identities ~0.84 (models/README.md)
        assertThat(same).isGreaterThan(d9 + 0.05).isGreaterThan(hopper + 0.05);
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

    private static double rs(VideoAnalysis video, String reference) {
        RgbImage image = Clips.image(MetricsFixture.data(reference));
        return VideoScores.of(MetricsFixture.scoring().score(image).orElseThrow(), video).rs();
    }
}
