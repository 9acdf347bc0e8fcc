package dev.idstream.metrics;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.core.config.FaceSettings;
import dev.idstream.core.config.MetricsStageSettings;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.detect.ReferenceImageDecoder;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.FailureReason;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import dev.idstream.face.FaceAnalyzer;
import dev.idstream.face.FaceBundles;
import dev.idstream.face.InceptionFeatures;
import dev.idstream.face.RgbImage;
import dev.idstream.face.video.VideoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * metrics: scores a video against its reference image for identity preservation (RS), stability (IFS), face quality
 * (per-frame face FID) and face motion (FM), exactly as DESIGN.md §6 defines them, with the face bundle as evaluator.
 * Per-frame values and Inception features are stored as artifacts for later aggregation (set-level FID).
 *
 * <p>A re-scoring deployment ({@link MetricsStageSettings#evaluator()}) runs the same step as stage {@code metrics-E} on
 * {@code idstream.videos.E.v1}, typically with another face bundle or frame sampling.
 */
public final class MetricsStage implements Stage<VideoDecoded, VideoMetrics> {

    private final FaceAnalyzer analyzer;
    private final InceptionFeatures inception;
    private final VideoAnalyzer videoAnalyzer;
    private final FaceScoring scoring;
    private final String evaluator;
    private final MetricsStageSettings settings;

    /** The pipeline's own metrics stage (16 sampled frames, reads {@code idstream.videos.v1}). */
    public MetricsStage(ModelBundle bundle, OrtRuntime runtime) {
        this(bundle, runtime, MetricsStageSettings.defaults());
    }

    public MetricsStage(ModelBundle bundle, OrtRuntime runtime, MetricsStageSettings settings) {
        this.settings = settings;
        this.analyzer = new FaceAnalyzer(bundle, runtime);
        try {
            this.inception = new InceptionFeatures(bundle, runtime);
        } catch (RuntimeException e) {
            analyzer.close();
            throw e;
        }
        this.scoring = new FaceScoring(analyzer, inception);
        this.videoAnalyzer = new VideoAnalyzer(scoring, settings.sampledFrames());
        this.evaluator = bundle.id();
    }

    /** The stage as deployed: the configured face bundle (prepared first if it is the default and absent). */
    public static MetricsStage create(FaceSettings face, MetricsStageSettings settings, OrtSettings onnx) {
        return new MetricsStage(FaceBundles.loadOrPrepareDefault(face.bundle()), OrtRuntime.create(onnx), settings);
    }

    @Override
    public String name() {
        return settings.stageName();
    }

    @Override
    public String inputTopic() {
        return settings.inputTopic();
    }

    @Override
    public Class<VideoDecoded> inputType() {
        return VideoDecoded.class;
    }

    @Override
    public String outputTopic() {
        return Topics.METRICS;
    }

    @Override
    public VideoMetrics process(VideoDecoded in, StageContext ctx) throws Exception {
        RgbImage referenceImage = RgbImage.of(new ReferenceImageDecoder(ctx.limits()).decode(ctx.artifacts().get(in.getReference())));
        FaceScoring.ScoredFace reference = scoring.score(referenceImage).orElseThrow(() ->
                new StageException.BadInput(FailureReason.NO_FACE, "no face found in the reference image"));
        Path video = Files.createTempFile("idstream-" + in.getRequestId(), ".mp4");
        try {
            ctx.artifacts().getToFile(in.getVideo(), video);
            // limits, container and truncation first: a bad video fails with a reason before any frame is scored
            VideoReader.VideoInfo info = VideoReader.probe(video, "the video", ctx.limits());
            VideoAnalysis analysis = videoAnalyzer.analyze(video, info.frameCount(), true);
            VideoScores scores = VideoScores.of(reference, analysis);
            MetricsArtifacts.Written written = MetricsArtifacts.write(reference, analysis, ctx);
            return VideoMetrics.newBuilder()
                    .setRequestId(in.getRequestId())
                    .setTraceparent(ctx.traceparent())
                    .setCreatedAt(Instant.now())
                    .setOrigin(in.getOrigin())
                    .setModelVersion(in.getModelVersion())
                    .setEvalSetId(in.getEvalSetId())
                    .setLabel(in.getLabel())
                    .setVideo(in.getVideo())
                    .setEvaluator(evaluator)
                    .setSettings(MetricsSettings.describe(settings.sampledFrames(), analysis, analyzer))
                    .setFramesSampled(analysis.sampled().size())
                    .setFramesScored(analysis.framesWithFace())
                    .setFramesWithoutFace(analysis.framesWithoutFace())
                    .setRs(scores.rs())
                    .setIfs(scores.ifs())
                    .setFidPerFrame(scores.fidPerFrame())
                    .setFm(scores.fm())
                    .setFmNormalized(scores.fmNormalized())
                    .setPerFrame(written.perFrame())
                    .setInceptionFeatures(written.inceptionFeatures())
                    .build();
        } finally {
            Files.deleteIfExists(video);
        }
    }

    /**
     * Scores a local video file against a reference image, the same step {@link #process} runs, without artifacts
     * (benchmarks, tools).
     */
    public ScoredVideo scoreFile(Path video, RgbImage referenceImage) throws Exception {
        FaceScoring.ScoredFace reference = scoring.score(referenceImage).orElseThrow(() ->
                new StageException.BadInput(FailureReason.NO_FACE, "no face found in the reference image"));
        VideoAnalysis analysis = videoAnalyzer.analyze(video, true);
        VideoScores s = VideoScores.of(reference, analysis);
        return new ScoredVideo(analysis.frameCount(), analysis.width(), analysis.height(), analysis.sampled().size(),
                analysis.framesWithFace(), s.rs(), s.ifs(), s.fidPerFrame(), s.fm(), s.fmNormalized());
    }

    @Override
    public void close() {
        inception.close();
        analyzer.close();
    }
}
