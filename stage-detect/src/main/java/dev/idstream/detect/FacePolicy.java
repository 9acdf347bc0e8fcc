package dev.idstream.detect;

import dev.idstream.core.StageException;
import dev.idstream.core.config.FaceSettings.MultipleFaces;
import dev.idstream.events.FailureReason;
import dev.idstream.face.AnalyzedFace;
import dev.idstream.face.Detection;
import java.util.List;

/** Which of the faces found in a reference image the request uses, or why it cannot be used. */
record FacePolicy(MultipleFaces multipleFaces, int minFaceSize) {

    static final String MAIN_REFERENCE = "the reference image";

    /** @param largestFirst the confirmed faces, largest box first */
    AnalyzedFace choose(List<AnalyzedFace> largestFirst) throws StageException.BadInput {
        return choose(largestFirst, MAIN_REFERENCE);
    }

    /**
     * @param largestFirst the confirmed faces, largest box first
     * @param image        how messages name the image, e.g. "the reference image", "reference view 2 of 3"
     */
    AnalyzedFace choose(List<AnalyzedFace> largestFirst, String image) throws StageException.BadInput {
        if (largestFirst.isEmpty()) {
            throw new StageException.BadInput(FailureReason.NO_FACE, "no face found in " + image);
        }
        if (largestFirst.size() > 1 && multipleFaces == MultipleFaces.FAIL) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, image + " shows " + largestFirst.size()
                    + " faces; exactly one is accepted (detect.multiple.faces=fail)");
        }
        AnalyzedFace face = largestFirst.get(0);
        Detection box = face.detection();
        if (Math.min(box.width(), box.height()) < minFaceSize) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, String.format(
                    "the face in %s is %.0f×%.0f pixels, the minimum is %d pixels (detect.min.face.size)",
                    image, box.width(), box.height(), minFaceSize));
        }
        return face;
    }
}
