package dev.idstream.detect;

import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.config.FaceSettings;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.DetectedFace;
import dev.idstream.events.FailureReason;
import dev.idstream.events.GenerationRequested;
import dev.idstream.face.AnalyzedFace;
import dev.idstream.face.FaceAnalyzer;
import dev.idstream.face.FarthestPoseSelection;
import dev.idstream.face.HeadPose;
import dev.idstream.face.MultiViewCollector;
import dev.idstream.face.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FantasyID §3.2's multi-view face collection for a request that carries a reference video or further reference
 * images: the faces they show become candidates, and farthest-point selection in (yaw, pitch, roll), starting from
 * the main reference face, picks the K - 1 that add the most different head poses. Their artifacts are written
 * under {@code view-<i>-} (i = 1 .. K-1, the position in the face set), so a redelivered request writes the same keys.
 */
final class MultiViewFaces {

    private static final Logger log = LoggerFactory.getLogger(MultiViewFaces.class);
    static final String VIDEO = "the reference video";

    private final FaceAnalyzer analyzer;
    private final FacePolicy policy;
    private final FaceSettings.MultiView settings;
    private final FaceArtifacts artifacts;
    private final MultiViewCollector collector;

    /** Where a candidate face came from: a reference view (its index) or a video frame. */
    private record Candidate(Integer view, MultiViewCollector.Candidate frame, AnalyzedFace face) {}

    MultiViewFaces(FaceAnalyzer analyzer, FacePolicy policy, FaceSettings.MultiView settings, FaceArtifacts artifacts) {
        this.analyzer = analyzer;
        this.policy = policy;
        this.settings = settings;
        this.artifacts = artifacts;
        this.collector = new MultiViewCollector(analyzer, settings.sampledFrames(), policy.minFaceSize());
    }

    static boolean requested(GenerationRequested request) {
        return request.getReferenceVideo() != null || !request.getReferenceViews().isEmpty();
    }

    /** Request-level checks, before anything is downloaded. */
    void validate(GenerationRequested request, StageContext ctx) throws StageException.BadInput {
        ArtifactRef video = request.getReferenceVideo();
        if (video != null && video.getSizeBytes() > ctx.limits().maxVideoBytes()) {
            throw new StageException.BadInput(FailureReason.LIMIT_EXCEEDED, String.format("%s is %,d bytes, the limit is %,d bytes",
                    VIDEO, video.getSizeBytes(), ctx.limits().maxVideoBytes()));
        }
        List<ArtifactRef> views = request.getReferenceViews();
        if (views.size() > settings.sampledFrames()) {
            throw new StageException.BadInput(FailureReason.LIMIT_EXCEEDED, "the request has " + views.size()
                    + " reference views, the limit is " + settings.sampledFrames() + " (detect.multiview.frames)");
        }
        for (int i = 0; i < views.size(); i++) {
            if (views.get(i).getSizeBytes() > ctx.limits().maxImageBytes()) {
                throw new StageException.BadInput(FailureReason.LIMIT_EXCEEDED, String.format("%s is %,d bytes, the limit is %,d bytes",
                        viewName(i, views.size()), views.get(i).getSizeBytes(), ctx.limits().maxImageBytes()));
            }
        }
    }

    /** The faces that join the main one, in the order chosen (the main face is not among them). */
    List<DetectedFace> collect(GenerationRequested request, AnalyzedFace main, StageContext ctx) throws Exception {
        if (settings.faces() <= 1) {
            return List.of(); // a face set of one is the main face alone: nothing to download or analyse
        }
        List<Candidate> candidates = new ArrayList<>(viewCandidates(request, ctx));
        Path video = null;
        try {
            if (request.getReferenceVideo() != null) {
                video = Files.createTempFile("idstream-" + request.getRequestId(), ".video");
                ctx.artifacts().getToFile(request.getReferenceVideo(), video);
                MultiViewCollector.Candidates fromVideo = collector.candidates(video, VIDEO, ctx.limits());
                log.info("multi-view: {}", fromVideo.describe());
                if (fromVideo.candidates().isEmpty()) {
                    throw new StageException.BadInput(FailureReason.NO_FACE, "no usable face in " + VIDEO + " ("
                            + fromVideo.describe() + "); a usable frame shows exactly one face of at least "
                            + policy.minFaceSize() + " pixels");
                }
                fromVideo.candidates().forEach(c -> candidates.add(new Candidate(null, c, c.face())));
            }
            List<HeadPose> poses = candidates.stream().map(c -> c.face().pose()).toList();
            List<Integer> picked = FarthestPoseSelection.selectAfter(List.of(main.pose()), poses, settings.faces() - 1);
            return write(request, candidates, picked, video, ctx);
        } finally {
            if (video != null) {
                Files.deleteIfExists(video);
            }
        }
    }

    private List<Candidate> viewCandidates(GenerationRequested request, StageContext ctx) throws StageException {
        List<ArtifactRef> views = request.getReferenceViews();
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < views.size(); i++) {
            RgbImage image = decodeView(views, i, ctx);
            List<AnalyzedFace> faces = analyzer.analyzeAll(image).stream()
                    .sorted(Comparator.comparingDouble((AnalyzedFace f) -> f.detection().area()).reversed())
                    .toList();
            out.add(new Candidate(i, null, policy.choose(faces, viewName(i, views.size()))));
        }
        return out;
    }

    private List<DetectedFace> write(GenerationRequested request, List<Candidate> candidates, List<Integer> picked, Path video,
            StageContext ctx) throws Exception {
        DetectedFace[] faces = new DetectedFace[picked.size()];
        List<MultiViewCollector.Candidate> frames = new ArrayList<>();
        Map<MultiViewCollector.Candidate, Integer> slotOfFrame = new HashMap<>();
        for (int slot = 0; slot < picked.size(); slot++) {
            Candidate c = candidates.get(picked.get(slot));
            if (c.view() != null) {
                RgbImage image = decodeView(request.getReferenceViews(), c.view(), ctx);
                faces[slot] = DetectedFace.newBuilder(artifacts.write(image, c.face(), ctx, prefix(slot))).setReferenceView(c.view()).build();
            } else {
                frames.add(c.frame());
                slotOfFrame.put(c.frame(), slot);
            }
        }
        MultiViewCollector.forEachChosen(video, frames, (frame, image) -> {
            int slot = slotOfFrame.get(frame);
            faces[slot] = DetectedFace.newBuilder(artifacts.write(image, frame.face(), ctx, prefix(slot)))
                    .setVideoFrame(frame.frameIndex()).build();
        });
        return List.of(faces);
    }

    private RgbImage decodeView(List<ArtifactRef> views, int index, StageContext ctx) throws StageException {
        byte[] bytes = ctx.artifacts().get(views.get(index));
        try {
            return RgbImage.of(new ReferenceImageDecoder(ctx.limits()).decode(bytes));
        } catch (StageException.BadInput e) {
            // the decoder speaks of "the reference image": say which one
            throw new StageException.BadInput(e.reason(), viewName(index, views.size()) + ": " + e.getMessage(), e);
        }
    }

    /** Slot 0 of the picked faces is the face set's second face: {@code view-1-}. */
    private static String prefix(int slot) {
        return "view-" + (slot + 1) + "-";
    }

    private static String viewName(int index, int count) {
        return "reference view " + (index + 1) + " of " + count;
    }
}
