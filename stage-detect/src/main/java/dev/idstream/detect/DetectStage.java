package dev.idstream.detect;

import dev.idstream.core.Stage;
import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.Topics;
import dev.idstream.core.config.FaceSettings;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.validation.RequestValidator;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.DetectedFace;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationRequested;
import dev.idstream.face.AnalyzedFace;
import dev.idstream.face.FaceAnalyzer;
import dev.idstream.face.FaceBundles;
import dev.idstream.face.RgbImage;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * detect: validates the request and its reference image, finds the face (BlazeFace confirmed by FaceMesh), and
 * writes what later stages need: the upright image, aligned crops, the 3D mesh; emits {@code FaceDetected} with box,
 * five points and head pose. A request with a reference video or further reference views gets a multi-view face
 * set (FantasyID §3.2, {@link MultiViewFaces}): the main face first, then the faces with the most different head
 * poses. The face bundle is loaded once per stage instance.
 */
public final class DetectStage implements Stage<GenerationRequested, FaceDetected> {

    private final FaceAnalyzer analyzer;
    private final FacePolicy policy;
    private final FaceArtifacts faceArtifacts;
    private final MultiViewFaces multiView;

    public DetectStage(ModelBundle bundle, OrtRuntime runtime, FaceSettings settings) {
        this.analyzer = new FaceAnalyzer(bundle, runtime);
        this.policy = new FacePolicy(settings.multipleFaces(), settings.minFaceSize());
        this.faceArtifacts = new FaceArtifacts(analyzer.embedder());
        this.multiView = new MultiViewFaces(analyzer, policy, settings.multiView(), faceArtifacts);
    }

    /** The stage as deployed: the configured face bundle (prepared first if it is the default and absent). */
    public static DetectStage create(FaceSettings settings, OrtSettings onnx) {
        return new DetectStage(FaceBundles.loadOrPrepareDefault(settings.bundle()), OrtRuntime.create(onnx), settings);
    }

    @Override
    public String name() {
        return "detect";
    }

    @Override
    public String inputTopic() {
        return Topics.REQUESTS;
    }

    @Override
    public Class<GenerationRequested> inputType() {
        return GenerationRequested.class;
    }

    @Override
    public String outputTopic() {
        return Topics.FACES;
    }

    @Override
    public void validate(GenerationRequested request, StageContext ctx) throws StageException {
        new RequestValidator(ctx.limits()).validate(request.getParams());
        long size = request.getReference().getSizeBytes();
        if (size > ctx.limits().maxImageBytes()) {
            throw new StageException.BadInput(FailureReason.LIMIT_EXCEEDED, String.format(
                    "the reference image is %,d bytes, the limit is %,d bytes", size, ctx.limits().maxImageBytes()));
        }
        multiView.validate(request, ctx);
    }

    @Override
    public FaceDetected process(GenerationRequested request, StageContext ctx) throws Exception {
        BufferedImage upright = new ReferenceImageDecoder(ctx.limits()).decode(ctx.artifacts().get(request.getReference()));
        RgbImage image = RgbImage.of(upright);

        List<AnalyzedFace> faces = analyzer.analyzeAll(image).stream()
                .sorted(Comparator.comparingDouble((AnalyzedFace f) -> f.detection().area()).reversed())
                .toList();
        AnalyzedFace chosen = policy.choose(faces);

        List<DetectedFace> faceSet = new ArrayList<>(List.of(faceArtifacts.write(image, chosen, ctx)));
        if (MultiViewFaces.requested(request)) {
            faceSet.addAll(multiView.collect(request, chosen, ctx));
        }
        ArtifactRef png = ctx.artifacts().put(ctx.key("image.png"), FaceArtifacts.png(upright), "image/png");
        return FaceDetected.newBuilder()
                .setRequestId(request.getRequestId())
                .setTraceparent(ctx.traceparent())
                .setCreatedAt(Instant.now())
                .setParams(request.getParams())
                .setReference(request.getReference())
                .setImage(png)
                .setFacesFound(faces.size())
                .setFaces(faceSet)
                .build();
    }

    @Override
    public void close() {
        analyzer.close();
    }
}
