package dev.idstream.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.InputLimits;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.artifacts.ArtifactStore;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.config.FaceSettings;
import dev.idstream.core.testing.LocalStageContext;
import dev.idstream.core.testing.TransformStage;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.DetectedFace;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationRequested;
import dev.idstream.face.FaceAnalyzer;
import dev.idstream.face.FarthestPoseSelection;
import dev.idstream.face.HeadPose;
import dev.idstream.face.MultiViewCollector;
import dev.idstream.face.video.FrameSampling;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-view face collection (FantasyID §3.2) in the detect stage: a real clip of the person in the reference image
 * ({@code portraits/d3_still.jpg} is a frame of {@code videos/d3.mp4}), real face models, artifacts in a real S3 server.
 */
class MultiViewDetectTest {

    private static final int K = 6;
    private static final int SAMPLED = 16;

    @TempDir
    static Path dir;

    private static Path data;
    private static DetectStage stage;
    private static LocalStageContext context;

    @BeforeAll
    static void start() throws Exception {
        data = DetectFixture.data();
        stage = new DetectStage(DetectFixture.bundle(), DetectFixture.runtime(), FaceSettings.defaults().withMultiView(new FaceSettings.MultiView(K, SAMPLED)));
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
    void shouldCollectKFacesWithMorePoseSpreadThanEvenlySpacedFrames() throws Exception {
        Path video = data.resolve("videos/d3.mp4");
        FaceDetected out = detect(reference("portraits/d3_still.jpg"), Files.readAllBytes(video), List.of());

        List<DetectedFace> faces = out.getFaces();
        assertThat(faces).hasSize(K);
        assertThat(faces.get(0).getVideoFrame()).as("the main reference face comes first").isNull();
        assertThat(faces.get(0).getAlignedCrop().getUri().toString()).endsWith("/detect/face-aligned-512.png");
        int frameCount = dev.idstream.face.video.VideoReader.countFrames(video);
        List<Integer> frames = new ArrayList<>();
        for (int i = 1; i < K; i++) {
            DetectedFace face = faces.get(i);
            frames.add(face.getVideoFrame());
            assertThat(face.getAlignedCrop().getUri().toString()).endsWith("/detect/view-" + i + "-face-aligned-512.png");
            assertThat(face.getEmbeddingCrop().getUri().toString()).endsWith("/detect/view-" + i + "-face-embedding-crop.png");
            assertThat(face.getMesh().getUri().toString()).endsWith("/detect/view-" + i + "-face-mesh.safetensors");
            assertThat(png(context.artifacts().get(face.getAlignedCrop())).getWidth()).isEqualTo(512);
            assertThat(context.artifacts().getTensors(face.getMesh()).get("points").shape()).containsExactly(468, 3);
        }
        assertThat(frames).doesNotHaveDuplicates();
        assertThat(FrameSampling.linspace(frameCount, SAMPLED)).containsAll(frames);

        // the same person, same clip: K evenly spaced frames (linspace) are what a selection ignoring pose would give
        List<HeadPose> chosen = faces.stream().map(MultiViewDetectTest::pose).toList();
        List<HeadPose> evenlySpaced = new ArrayList<>(List.of(chosen.get(0)));
        try (FaceAnalyzer analyzer = new FaceAnalyzer(DetectFixture.bundle(), DetectFixture.runtime())) {
            new MultiViewCollector(analyzer, K - 1, 32).candidates(video, "d3.mp4", InputLimits.defaults())
                    .candidates().forEach(c -> evenlySpaced.add(c.face().pose()));
        }
        assertThat(evenlySpaced).hasSize(K);
        double chosenMin = minPairwise(chosen);
        double evenMin = minPairwise(evenlySpaced);
        System.out.printf("d3.mp4 (%d frames): chosen frames %s; min pairwise pose distance %.1f° (mean %.1f°), "
                + "evenly spaced %.1f° (mean %.1f°)%n", frameCount, frames, chosenMin, meanPairwise(chosen), evenMin, meanPairwise(evenlySpaced));
        chosen.forEach(p -> System.out.printf("  yaw %6.1f pitch %6.1f roll %6.1f%n", p.yaw(), p.pitch(), p.roll()));
        assertThat(chosenMin).isGreaterThan(evenMin);
        assertThat(meanPairwise(chosen)).isGreaterThan(meanPairwise(evenlySpaced));
    }

    @Test
    void shouldPickReferenceViewsByPoseAndKeepTheMainFaceFirst() throws Exception {
        BufferedImage still = ImageIO.read(data.resolve("portraits/d3_still.jpg").toFile());
        byte[] mirrored = encode(mirror(still));
        byte[] same = encode(still);

        FaceDetected out = detect(reference("portraits/d3_still.jpg"), null, List.of(same, mirrored));

        assertThat(out.getFaces()).hasSize(3);
        assertThat(out.getFaces().stream().map(DetectedFace::getReferenceView).toList())
                .as("the mirrored view (opposite yaw and roll) adds more pose than a copy of the main image")
                .containsExactly(null, 1, 0);
        assertThat(out.getFaces().get(1).getYaw()).isCloseTo(-out.getFaces().get(0).getYaw(), org.assertj.core.data.Offset.offset(3f));
        assertThat(out.getFaces().get(2).getYaw()).isCloseTo(out.getFaces().get(0).getYaw(), org.assertj.core.data.Offset.offset(0.5f));
    }

    @Test
    void shouldFailClearlyForAReferenceViewWithoutAFace() throws Exception {
        byte[] cat = Files.readAllBytes(nonFace("cat"));
        assertThatThrownBy(() -> detect(reference("portraits/d3_still.jpg"), null, List.of(reference("portraits/d3_still.jpg"), cat)))
                .isInstanceOfSatisfying(StageException.BadInput.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.NO_FACE))
                .hasMessage("no face found in reference view 2 of 2");
    }

    @Test
    void shouldFailClearlyForATruncatedVideo() throws Exception {
        byte[] clip = Files.readAllBytes(data.resolve("videos/d11.mp4"));
        assertBadVideo(Arrays.copyOf(clip, clip.length / 2), FailureReason.BAD_INPUT,
                "the reference video cannot be opened as a video (FFmpeg: Invalid data found when processing input): "
                        + "the file is truncated, damaged or not a video");

        // with the index in front, a truncated MP4 still opens: the missing frames give it away
        BufferedImage still = ImageIO.read(data.resolve("portraits/d3_still.jpg").toFile());
        byte[] fastStart = Files.readAllBytes(TestClips.write(List.of(still, mirror(still)), 25, 256, true, dir.resolve("faststart.mp4")));
        assertThatThrownBy(() -> detect(reference("portraits/d3_still.jpg"), Arrays.copyOf(fastStart, fastStart.length * 6 / 10), List.of()))
                .isInstanceOf(StageException.BadInput.class)
                .hasMessageStartingWith("the reference video ")
                .hasMessageEndingWith("the file is truncated or corrupt")
                .satisfies(e -> System.out.println("fast-start MP4 cut to 60%: " + e.getMessage()));
    }

    @Test
    void shouldFailClearlyForBytesThatAreNotAVideo() throws Exception {
        assertBadVideo(reference("portraits/d9.jpg"), FailureReason.BAD_INPUT,
                "the reference video is not a video: FFmpeg reads it as 'jpeg_pipe' (accepted: MP4/MOV, Matroska/WebM, AVI, MPEG-TS/PS, FLV, Ogg, ASF)");
    }

    @Test
    void shouldFailClearlyForAVideoWithoutAFace() throws Exception {
        List<BufferedImage> animals = new ArrayList<>();
        for (String name : List.of("cat", "baboon")) {
            animals.add(ImageIO.read(nonFace(name).toFile()));
        }
        Path clip = TestClips.write(animals, 3, 256, false, dir.resolve("animals.mp4"));

        assertBadVideo(Files.readAllBytes(clip), FailureReason.NO_FACE, "no usable face in the reference video (6 frames "
                + "sampled of 6: 0 with one face, 6 without a face, 0 with several faces, 0 with a face smaller than the "
                + "minimum); a usable frame shows exactly one face of at least 32 pixels");
    }

    @Test
    void shouldIgnoreTheReferenceVideoWhenTheFaceSetHasOneFace() throws Exception {
        List<BufferedImage> animals = List.of(ImageIO.read(nonFace("cat").toFile()));
        byte[] clip = Files.readAllBytes(TestClips.write(animals, 3, 256, false, dir.resolve("cat.mp4")));
        DetectStage single = new DetectStage(DetectFixture.bundle(), DetectFixture.runtime(), FaceSettings.defaults().withMultiView(new FaceSettings.MultiView(1, SAMPLED)));
        try {
            String id = UUID.randomUUID().toString();
            LocalStageContext.Request ctx = context.request(id, "detect");
            GenerationRequested request = request(id, reference("portraits/d3_still.jpg"), clip, List.of());
            single.validate(request, ctx);

            FaceDetected out = single.process(request, ctx);

            assertThat(out.getFaces()).as("a video without a face does not matter when no further face is needed").hasSize(1);
        } finally {
            single.close();
        }
    }

    @Test
    void shouldRejectAVideoOverTheByteLimitBeforeDownloadingIt() throws Exception {
        byte[] clip = Files.readAllBytes(data.resolve("videos/d11.mp4"));
        String id = UUID.randomUUID().toString();
        LocalStageContext.Request ctx = context.request(id, "detect");
        GenerationRequested request = request(id, reference("portraits/d3_still.jpg"), clip, List.of());
        InputLimits d = InputLimits.defaults();
        InputLimits small = new InputLimits(d.maxImageBytes(), d.maxImageWidth(), d.maxImageHeight(), 1000, d.maxVideoSeconds(),
                d.maxPromptChars(), d.maxFrames(), d.maxSteps(), d.maxWidth(), d.maxHeight(), d.maxFps(), d.maxGuidanceScale());
        StageContext limited = new LimitedContext(ctx, small);

        assertThatThrownBy(() -> stage.validate(request, limited))
                .isInstanceOfSatisfying(StageException.BadInput.class, e -> assertThat(e.reason()).isEqualTo(FailureReason.LIMIT_EXCEEDED))
                .hasMessage(String.format("the reference video is %,d bytes, the limit is 1,000 bytes", clip.length));
    }

    /** The same request context with other input limits. */
    private record LimitedContext(StageContext inner, InputLimits limits) implements StageContext {
        @Override
        public String requestId() {
            return inner.requestId();
        }

        @Override
        public String traceparent() {
            return inner.traceparent();
        }

        @Override
        public ArtifactStore artifacts() {
            return inner.artifacts();
        }

        @Override
        public ArtifactKey key(String name) {
            return inner.key(name);
        }

        @Override
        public void progress(int step, int totalSteps, String message) {
            inner.progress(step, totalSteps, message);
        }

        @Override
        public boolean cancelled() {
            return inner.cancelled();
        }
    }

    private static void assertBadVideo(byte[] video, FailureReason reason, String message) {
        assertThatThrownBy(() -> detect(reference("portraits/d3_still.jpg"), video, List.of()))
                .isInstanceOfSatisfying(StageException.BadInput.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessage(message);
    }

    private static FaceDetected detect(byte[] image, byte[] video, List<byte[]> views) throws Exception {
        String id = UUID.randomUUID().toString();
        LocalStageContext.Request ctx = context.request(id, "detect");
        GenerationRequested request = request(id, image, video, views);
        stage.validate(request, ctx);
        return stage.process(request, ctx);
    }

    private static GenerationRequested request(String id, byte[] image, byte[] video, List<byte[]> views) throws Exception {
        GenerationRequested request = TransformStage.request(context.artifacts(), id, image, "a person", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        GenerationRequested.Builder b = GenerationRequested.newBuilder(request);
        if (video != null) {
            b.setReferenceVideo(context.artifacts().put(new ArtifactKey(id, "upload", "reference-video.mp4"), video, "video/mp4"));
        }
        List<ArtifactRef> refs = new ArrayList<>();
        for (int i = 0; i < views.size(); i++) {
            refs.add(context.artifacts().put(new ArtifactKey(id, "upload", "view-" + i + ".bin"), views.get(i), "application/octet-stream"));
        }
        return b.setReferenceViews(refs).build();
    }

    private static byte[] reference(String path) throws Exception {
        return Files.readAllBytes(data.resolve(path));
    }

    private static Path nonFace(String name) throws Exception {
        try (var files = Files.list(data.resolve("nonfaces"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(name)).findFirst().orElseThrow();
        }
    }

    private static HeadPose pose(DetectedFace f) {
        return new HeadPose(f.getYaw(), f.getPitch(), f.getRoll());
    }

    private static double minPairwise(List<HeadPose> poses) {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < poses.size(); i++) {
            for (int j = i + 1; j < poses.size(); j++) {
                min = Math.min(min, FarthestPoseSelection.distance(poses.get(i), poses.get(j)));
            }
        }
        return min;
    }

    private static double meanPairwise(List<HeadPose> poses) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < poses.size(); i++) {
            for (int j = i + 1; j < poses.size(); j++) {
                sum += FarthestPoseSelection.distance(poses.get(i), poses.get(j));
                n++;
            }
        }
        return sum / n;
    }

    private static BufferedImage mirror(BufferedImage image) {
        AffineTransform flip = new AffineTransform(-1, 0, 0, 1, image.getWidth(), 0);
        return new AffineTransformOp(flip, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(image, null);
    }

    private static byte[] encode(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static BufferedImage png(byte[] bytes) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }
}
