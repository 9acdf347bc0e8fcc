package dev.idstream.report;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.config.FaceSettings;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.testing.LocalStageContext;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import dev.idstream.face.FaceBundles;
import dev.idstream.face.ProjectPaths;
import dev.idstream.face.RgbImage;
import dev.idstream.metrics.MetricsStage;
import dev.idstream.face.video.VideoReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Real {@code VideoMetrics} for report tests: short cuts of the shared talking-head clips scored by the real metrics
 * stage (real face bundle, artifacts in an embedded S3) under two made-up model-version labels.
 */
final class ScoredClips {

    static final String EVAL_SET = "report-test-set";
    /** Test labels, not real models: "A" scores each clip against its own first frame, "B" against another person. */
    static final String VERSION_SAME_PERSON = "test-label-A (own first frame)";
    static final String VERSION_OTHER_PERSON = "test-label-B (other person)";

    private static final int FRAMES_PER_CLIP = 16;

    final List<VideoMetrics> metrics = new ArrayList<>();
    final Map<String, VideoDecoded> decoded = new LinkedHashMap<>();

    static Path sharedData(String sub) {
        Path dir = ProjectPaths.sharedData().resolve(sub);
        assumeTrue(Files.exists(dir), "shared test data " + dir + " is absent: skipping");
        return dir;
    }

    /** Scores d3, d9 and d14 (first 16 frames) for both labels, and a clip of a cat (no face) for label B. */
    static ScoredClips score(LocalStageContext context, Path dir) throws Exception {
        Path videos = sharedData("videos");
        Path otherPerson = sharedData("portraits/d9.jpg");
        ScoredClips out = new ScoredClips();
        try (MetricsStage stage = new MetricsStage(FaceBundles.loadOrPrepareDefault(FaceSettings.defaultBundle()),
                OrtRuntime.create(OrtSettings.cpu(2)))) {
            for (String clip : List.of("d3", "d9", "d14")) {
                List<RgbImage> frames = firstFrames(videos.resolve(clip + ".mp4"), FRAMES_PER_CLIP);
                Path cut = write(frames, dir.resolve(clip + "-cut.mp4"));
                out.add(stage, context, cut, png(frames.get(0)), VERSION_SAME_PERSON, clip, "a person talking (" + clip + ")");
                out.add(stage, context, cut, Files.readAllBytes(otherPerson), VERSION_OTHER_PERSON, clip, "a person talking (" + clip + ")");
            }
            RgbImage cat = RgbImage.of(ImageIO.read(sharedData("nonfaces/cat.jpg").toFile())).resize(256, 256);
            Path catClip = write(Collections.nCopies(8, cat), dir.resolve("cat.mp4"));
            out.add(stage, context, catClip, Files.readAllBytes(otherPerson), VERSION_OTHER_PERSON, "cat <no face>",
                    "a cat & \"no\" <face>");
        }
        return out;
    }

    private void add(MetricsStage stage, LocalStageContext context, Path clip, byte[] reference, String version,
                     String label, String prompt) throws Exception {
        String id = UUID.randomUUID().toString();
        LocalStageContext.Request ctx = context.request(id, "metrics");
        ArtifactRef video = context.artifacts().putFile(new ArtifactKey(id, "decode", "video.mp4"), clip, "video/mp4");
        ArtifactRef ref = context.artifacts().put(new ArtifactKey(id, "upload", "reference.png"), reference, "image/png");
        VideoDecoded in = VideoDecoded.newBuilder()
                .setRequestId(id).setTraceparent(ctx.traceparent()).setCreatedAt(Instant.now())
                .setOrigin(VideoOrigin.EXTERNAL).setVideo(video).setReference(ref).setModelVersion(version)
                .setEvalSetId(EVAL_SET).setLabel(label).setPrompt(prompt)
                .setFrames(0).setWidth(0).setHeight(0).setFps(25)
                .build();
        stage.validate(in, ctx);
        metrics.add(stage.process(in, ctx));
        decoded.put(id, in);
    }

    private static List<RgbImage> firstFrames(Path video, int n) throws Exception {
        List<RgbImage> frames = new ArrayList<>();
        VideoReader.forEachFrame(video, (index, image) -> {
            frames.add(image);
            return frames.size() < n;
        });
        return frames;
    }

    private static byte[] png(RgbImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image.toBufferedImage(), "png", out);
        return out.toByteArray();
    }

    /** H.264 MP4 at a high bitrate, as the decode stage writes it. */
    private static Path write(List<RgbImage> frames, Path target) throws Exception {
        RgbImage first = frames.get(0);
        int fps = 25;
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), first.width(), first.height());
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setVideoBitrate(first.width() * first.height() * fps * 2);
            recorder.start();
            for (RgbImage frame : frames) {
                BufferedImage bgr = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_3BYTE_BGR);
                bgr.getGraphics().drawImage(frame.toBufferedImage(), 0, 0, null);
                recorder.record(converter.convert(bgr), avutil.AV_PIX_FMT_BGR24);
            }
            recorder.stop();
        }
        return target;
    }
}
