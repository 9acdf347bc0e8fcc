package dev.idstream.detect;

import dev.idstream.core.StageException;
import dev.idstream.core.config.FaceSettings.MultipleFaces;
import dev.idstream.events.FailureReason;
import dev.idstream.face.AnalyzedFace;
import dev.idstream.face.Detection;
import java.util.List;

/** Which of the faces found in a reference image the request uses, or why it cannot be used. */
record FacePolicy(MultipleFaces multipleFaces, int minFaceSize) {

    static final String NO_FACE_MESSAGE = "no face found in the reference image";

    /** @param largestFirst the confirmed faces, largest box first */
    AnalyzedFace choose(List<AnalyzedFace> largestFirst) throws StageException.BadInput {
        if (largestFirst.isEmpty()) {
            throw new StageException.BadInput(FailureReason.NO_FACE, NO_FACE_MESSAGE);
        }
        if (largestFirst.size() > 1 && multipleFaces == MultipleFaces.FAIL) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "the reference image shows " + largestFirst.size()
                    + " faces; exactly one is accepted (detect.multiple.faces=fail)");
        }
        AnalyzedFace face = largestFirst.get(0);
        Detection box = face.detection();
        if (Math.min(box.width(), box.height()) < minFaceSize) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, String.format(
                    "the face in the reference image is %.0f×%.0f pixels, the minimum is %d pixels (detect.min.face.size)",
                    box.width(), box.height(), minFaceSize));
        }
        return face;
    }
}
