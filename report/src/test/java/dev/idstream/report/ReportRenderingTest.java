package dev.idstream.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.InputLimits;
import dev.idstream.core.testing.LocalStageContext;
import dev.idstream.events.VideoMetrics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report of real scores: clips scored by the real metrics stage, pictures from the artifacts in a real S3 server,
 * the page rendered by headless Chromium. The page and its screenshot stay in {@code target/report-sample/} to look at.
 */
class ReportRenderingTest {

    private static final Path SAMPLE = Path.of("target/report-sample");

    @TempDir
    static Path dir;

    private static LocalStageContext context;
    private static ScoredClips clips;
    private static EvalSetReport report;
    private static Path html;

    @BeforeAll
    static void scoreAndWrite() throws Exception {
        context = LocalStageContext.start(dir.resolve("s3"));
        clips = ScoredClips.score(context, dir);
        report = new ReportAssembler(ArtifactVideoMedia.standard(context.artifacts(), InputLimits.defaults()))
                .assemble(ScoredClips.EVAL_SET, new ReportInputs(clips.metrics, List.of(), clips.decoded, List.of()));
        Files.createDirectories(SAMPLE);
        html = Files.writeString(SAMPLE.resolve("report.html"), new HtmlReportWriter().write(report), StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void shouldHaveOneRowPerModelVersionAndEveryVideoWithItsPictures() {
        assertThat(report.sections()).hasSize(1);
        EvaluatorSection section = report.sections().get(0);
        assertThat(section.rows()).extracting(ModelVersionRow::modelVersion)
                .containsExactly(ScoredClips.VERSION_SAME_PERSON, ScoredClips.VERSION_OTHER_PERSON);
        assertThat(section.rows()).extracting(ModelVersionRow::videos).containsExactly(3L, 4L);
        assertThat(section.rows().get(1).videosWithoutFace()).isEqualTo(1); // the cat
        assertThat(section.videos()).hasSize(7).allSatisfy(v -> {
            assertThat(v.mediaProblem()).isNull();
            assertThat(v.contactSheet()).isNotNull();
            assertThat(v.referenceThumbnail()).isNotNull();
        });
        assertThat(section.sharedSettings()).containsKeys("frameSampling", "rs", "fm").containsEntry("fidMode", "per-frame");
        assertThat(section.perVideoSettings()).contains("framesDecoded");
    }

    @Test
    void shouldDrawTheScoredFaceBoxInGreenAndMarkFramesWithoutAFaceInRed() throws Exception {
        VideoEntry withFace = entry(v -> v.getFramesScored() == v.getFramesSampled());
        VideoEntry cat = entry(v -> v.getFramesScored() == 0);

        assertThat(share(withFace.contactSheet(), ReportRenderingTest::green)).isGreaterThan(0.002);
        assertThat(share(withFace.contactSheet(), ReportRenderingTest::red)).isLessThan(0.001);
        assertThat(share(cat.contactSheet(), ReportRenderingTest::red)).isGreaterThan(0.01);
        assertThat(share(cat.contactSheet(), ReportRenderingTest::green)).isLessThan(0.001);
    }

    @Test
    void shouldRenderInHeadlessChromiumAsAReadablePage() throws Exception {
        Path png = Chromium.screenshot(html, SAMPLE.resolve("report.png"), 1280, 2000);

        BufferedImage shot = ImageIO.read(png.toFile());
        assertThat(shot.getWidth()).isEqualTo(1280);
        assertThat(shot.getHeight()).isEqualTo(2000);
        double[] luma = luma(shot);
        double mean = java.util.Arrays.stream(luma).average().orElseThrow();
        double variance = java.util.Arrays.stream(luma).map(l -> (l - mean) * (l - mean)).average().orElseThrow();
        long notWhite = java.util.Arrays.stream(luma).filter(l -> l < 235).count();
        assertThat(variance).as("luma variance").isGreaterThan(300);
        assertThat(notWhite / (double) luma.length).as("share of non-white pixels").isGreaterThan(0.05);
    }

    private static VideoEntry entry(java.util.function.Predicate<VideoMetrics> which) {
        return report.sections().get(0).videos().stream().filter(v -> which.test(v.metrics())).findFirst().orElseThrow();
    }

    private static double share(byte[] jpeg, java.util.function.IntPredicate colour) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        int[] rgb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        return java.util.Arrays.stream(rgb).filter(colour).count() / (double) rgb.length;
    }

    private static boolean green(int rgb) {
        int r = rgb >> 16 & 0xFF, g = rgb >> 8 & 0xFF, b = rgb & 0xFF;
        return g > 150 && r < 110 && b < 130;
    }

    private static boolean red(int rgb) {
        int r = rgb >> 16 & 0xFF, g = rgb >> 8 & 0xFF, b = rgb & 0xFF;
        return r > 180 && g < 80 && b < 80;
    }

    private static double[] luma(BufferedImage image) {
        int[] rgb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        double[] out = new double[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = 0.299 * (rgb[i] >> 16 & 0xFF) + 0.587 * (rgb[i] >> 8 & 0xFF) + 0.114 * (rgb[i] & 0xFF);
        }
        return out;
    }
}
