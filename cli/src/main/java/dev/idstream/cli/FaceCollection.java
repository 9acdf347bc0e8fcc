package dev.idstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.idstream.core.InputLimits;
import dev.idstream.core.config.FaceSettings;
import dev.idstream.detect.GeneratorCrop;
import dev.idstream.face.AnalyzedFace;
import dev.idstream.face.FaceAnalyzer;
import dev.idstream.face.FarthestPoseSelection;
import dev.idstream.face.MultiViewCollector;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Multi-view face collection on a local video, as the detect stage does it for a reference video, but without a
 * reference image: the selection starts from the most frontal face. Writes {@code view-<i>.png} (the generator's
 * 512×512 aligned crop, i in the order chosen), {@code faces.json} and {@code contact-sheet.png}.
 */
final class FaceCollection {

    static final String JSON = "faces.json";
    static final String CONTACT_SHEET = "contact-sheet.png";

    /** One chosen face, as {@code faces.json} lists it. */
    record Face(int view, String file, int frame, double yaw, double pitch, double roll, double[] box) {}

    record Result(String video, int frameCount, int width, int height, double fps, int framesSampled, int framesWithOneFace,
            int framesWithoutFace, int framesWithSeveralFaces, int framesWithSmallFace, List<Face> faces) {

        String summary() {
            return String.format("%s: %d frames %d×%d, %d sampled (%d with one face, %d without, %d with several, %d too small); "
                    + "%d faces chosen by head pose", video, frameCount, width, height, framesSampled, framesWithOneFace,
                    framesWithoutFace, framesWithSeveralFaces, framesWithSmallFace, faces.size());
        }
    }

    private FaceCollection() {
    }

    static Result collect(FaceAnalyzer analyzer, Path video, FaceSettings.MultiView settings, int minFaceSize,
            InputLimits limits, Path out) throws Exception {
        if (!Files.isRegularFile(video)) {
            throw new IllegalArgumentException("no such video file: " + video);
        }
        MultiViewCollector.Candidates found = new MultiViewCollector(analyzer, settings.sampledFrames(), minFaceSize)
                .candidates(video, "the video " + video.getFileName(), limits);
        if (found.candidates().isEmpty()) {
            throw new IllegalArgumentException("no usable face in " + video + " (" + found.describe() + ")");
        }
        List<Integer> picked = FarthestPoseSelection.select(
                found.candidates().stream().map(c -> c.face().pose()).toList(), settings.faces());
        List<MultiViewCollector.Candidate> chosen = picked.stream().map(found.candidates()::get).toList();
        Map<MultiViewCollector.Candidate, BufferedImage> crops = new HashMap<>();
        MultiViewCollector.forEachChosen(video, chosen, (candidate, frame) ->
                crops.put(candidate, GeneratorCrop.of(frame, candidate.face().fivePoints()).toBufferedImage()));

        Files.createDirectories(out);
        List<Face> faces = new ArrayList<>();
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            MultiViewCollector.Candidate c = chosen.get(i);
            AnalyzedFace face = c.face();
            String file = "view-" + i + ".png";
            ImageIO.write(crops.get(c), "png", out.resolve(file).toFile());
            images.add(crops.get(c));
            var d = face.detection();
            faces.add(new Face(i, file, c.frameIndex(), face.pose().yaw(), face.pose().pitch(), face.pose().roll(),
                    new double[] {d.x0(), d.y0(), d.width(), d.height()}));
        }
        var info = found.video();
        Result result = new Result(video.getFileName().toString(), info.frameCount(), info.width(), info.height(), info.fps(),
                found.framesSampled(), found.candidates().size(), found.framesWithoutFace(), found.framesWithSeveralFaces(),
                found.framesWithSmallFace(), faces);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve(JSON).toFile(), result);
        ImageIO.write(FaceContactSheet.of(images, faces), "png", out.resolve(CONTACT_SHEET).toFile());
        return result;
    }
}
