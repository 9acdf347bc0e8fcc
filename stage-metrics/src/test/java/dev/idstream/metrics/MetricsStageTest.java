package dev.idstream.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.StageException;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.core.testing.LocalStageContext;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.FailureReason;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import dev.idstream.face.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics stage's step: event in, artifacts in a real S3 server, {@code VideoMetrics} out. */
class MetricsStageTest {

    @TempDir
    static Path dir;

    private static MetricsStage stage;
    private static LocalStageContext context;

    @BeforeAll
    static void start() throws Exception {
        MetricsFixture.data("portraits");
        stage = new MetricsStage(MetricsFixture.bundle(), MetricsFixture.runtime());
        context = LocalStageContext.start(dir.resolve("s3"));
    }

    @AfterAll
    static void stop() {
        if (stage != null) {
            stage.close();
        }
        if (context != null) {
            context.close();
        }
    }

    @Test
    void shouldScoreAVideoAndStorePerFrameValuesAndInceptionFeatures() throws Exception {
        Path referenceFile = MetricsFixture.data("portraits/d3_still.jpg");
        RgbImage still = Clips.image(referenceFile);
        Path clip = Clips.write(Collections.nCopies(20, still), dir.resolve("still.mp4"), 25);

        VideoMetrics m = score(clip, Files.readAllBytes(referenceFile));

        assertThat(m.getEvaluator()).isEqualTo(MetricsFixture.bundle().id());
        assertThat(m.getSettings()).containsEntry("fidMode", "per-frame").containsEntry("framesDecoded", "20")
                .containsKeys("frameSampling", "faceChoice", "rs", "ifs", "fid", "fm");
        assertThat(m.getSettings().get("fm")).contains("levels=3", "winsize=15", "iterations=3", "polyN=5", "polySigma=1.2");
        assertThat(m.getFramesSampled()).isEqualTo(16);
        assertThat(m.getFramesScored()).isEqualTo(16);
        assertThat(m.getFramesWithoutFace()).isZero();
        assertThat(m.getRs()).isGreaterThan(0.95);
        assertThat(m.getIfs()).isGreaterThan(0.99);
        assertThat(m.getFidPerFrame()).isNotNull().isGreaterThanOrEqualTo(0.0);
        assertThat(m.getFm()).isLessThan(0.05);

        Map<String, Tensor> perFrame = context.artifacts().getTensors(m.getPerFrame());
        assertThat(perFrame.get("frameIndex").shape()).containsExactly(16);
        assertThat(perFrame.get("box").shape()).containsExactly(16, 4);
        assertThat(perFrame.get("motionPixels").shape()).containsExactly(19);
        double rsMean = 0;
        for (float v : perFrame.get("referenceSimilarity").toFloatArray()) {
            rsMean += v / 16.0;
        }
        assertThat(rsMean).isCloseTo(m.getRs(), org.assertj.core.api.Assertions.within(1e-5));
        Map<String, Tensor> features = context.artifacts().getTensors(m.getInceptionFeatures());
        assertThat(features.get("reference").shape()).containsExactly(1, 2048);
        assertThat(features.get("frames").shape()).containsExactly(16, 2048);
    }

    @Test
    void shouldLeaveEveryScoreNullAndCountTheFramesWhenNoFrameShowsAFace() throws Exception {
        RgbImage cat = Clips.image(MetricsFixture.data("nonfaces/cat.jpg")).resize(256, 256);
        Path clip = Clips.write(Collections.nCopies(10, cat), dir.resolve("cat.mp4"), 25);

        VideoMetrics m = score(clip, Files.readAllBytes(MetricsFixture.data("portraits/d9.jpg")));

        assertThat(m.getFramesSampled()).isEqualTo(10);
        assertThat(m.getFramesScored()).isZero();
        assertThat(m.getFramesWithoutFace()).isEqualTo(10);
        assertThat(m.getRs()).isNull();
        assertThat(m.getIfs()).isNull();
        assertThat(m.getFidPerFrame()).isNull();
        assertThat(m.getFm()).isNull();
        assertThat(m.getFmNormalized()).isNull();
        Tensor rs = context.artifacts().getTensors(m.getPerFrame()).get("referenceSimilarity");
        for (float v : rs.toFloatArray()) {
            assertThat(v).isNaN();
        }
    }

    @Test
    void shouldFailWithNoFaceWhenTheReferenceShowsNoFace() throws Exception {
        Path clip = Clips.write(Collections.nCopies(3, Clips.image(MetricsFixture.data("portraits/d9.jpg"))), dir.resolve("d9.mp4"), 25);
        // a smooth gradient: no face, with or without the grey-padding retry (the retry does find a false face in
        // nonfaces/baboon.jpg, which detect, without a retry, rejects)
        java.awt.image.BufferedImage gradient = new java.awt.image.BufferedImage(320, 240, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 320; x++) {
                gradient.setRGB(x, y, (x * 255 / 320) << 16 | (y * 255 / 240) << 8 | 96);
            }
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(gradient, "png", png);

        assertThatThrownBy(() -> score(clip, png.toByteArray()))
                .isInstanceOfSatisfying(StageException.BadInput.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.NO_FACE))
                .hasMessage("no face found in the reference image");
    }

    @Test
    void shouldFailWithAClearReasonWhenTheVideoIsTruncatedOrNotAVideo() throws Exception {
        byte[] reference = Files.readAllBytes(MetricsFixture.data("portraits/d9.jpg"));
        Path clip = Clips.write(Collections.nCopies(20, Clips.image(MetricsFixture.data("portraits/d9.jpg"))), dir.resolve("whole.mp4"), 25);
        byte[] whole = Files.readAllBytes(clip);
        Path truncated = Files.write(dir.resolve("truncated.mp4"), java.util.Arrays.copyOf(whole, whole.length / 2));
        Path text = Files.writeString(dir.resolve("notes.mp4"), "these are meeting notes, not a video\n".repeat(50));

        assertThatThrownBy(() -> score(truncated, reference))
                .isInstanceOfSatisfying(StageException.BadInput.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.BAD_INPUT))
                .hasMessageContaining("the video").hasMessageContaining("truncated");
        assertThatThrownBy(() -> score(text, reference))
                .isInstanceOfSatisfying(StageException.BadInput.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.BAD_INPUT))
                .hasMessageContaining("the video");
    }

    private static VideoMetrics score(Path clip, byte[] reference) throws Exception {
        String id = UUID.randomUUID().toString();
        LocalStageContext.Request ctx = context.request(id, "metrics");
        ArtifactRef video = context.artifacts().putFile(new ArtifactKey(id, "decode", "video.mp4"), clip, "video/mp4");
        ArtifactRef ref = context.artifacts().put(new ArtifactKey(id, "upload", "reference.jpg"), reference, "image/jpeg");
        VideoDecoded in = VideoDecoded.newBuilder()
                .setRequestId(id).setTraceparent(ctx.traceparent()).setCreatedAt(Instant.now())
                .setOrigin(VideoOrigin.EXTERNAL).setVideo(video).setReference(ref).setModelVersion("test")
                .setFrames(0).setWidth(0).setHeight(0).setFps(25)
                .build();
        stage.validate(in, ctx);
        return stage.process(in, ctx);
    }
}
