package dev.idstream.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the face stages (detect, metrics) need beyond the runtime: where the face bundle is, and detect's policies.
 *
 * @param bundle        the face bundle folder ({@code models.face.bundle}; default: where {@code models prepare} puts it)
 * @param multipleFaces what detect does when the reference shows more than one face ({@code detect.multiple.faces})
 * @param minFaceSize   the smallest face detect accepts, shorter side of the box in pixels ({@code detect.min.face.size})
 * @param multiView     the multi-view face collection from a reference video or several reference images
 */
public record FaceSettings(Path bundle, MultipleFaces multipleFaces, int minFaceSize, MultiView multiView) {

    public enum MultipleFaces {
        /** use the largest face and record how many were found */
        LARGEST,
        /** fail the request: the reference must show exactly one person */
        FAIL
    }

    /**
     * FantasyID §3.2's multi-view face collection.
     *
     * @param faces         K, the size of the face set, the main reference face included ({@code detect.multiview.faces})
     * @param sampledFrames frames sampled evenly from a reference video; also the most reference views a request may
     *                      carry ({@code detect.multiview.frames})
     */
    public record MultiView(int faces, int sampledFrames) {

        public static final int DEFAULT_FACES = 6;
        public static final int DEFAULT_SAMPLED_FRAMES = 24;
        /** Every face in the set is a crop, a mesh and an embedding crop in S3 and a record in the event. */
        public static final int MAX_FACES = 32;
        /** Each sampled frame costs a detection, a mesh and an embedding (about 0.1 s on one CPU core). */
        public static final int MAX_SAMPLED_FRAMES = 256;

        public MultiView {
            if (faces < 1 || faces > MAX_FACES) {
                throw new IllegalArgumentException("detect.multiview.faces must be between 1 and " + MAX_FACES + ", was " + faces);
            }
            if (sampledFrames < 1 || sampledFrames > MAX_SAMPLED_FRAMES) {
                throw new IllegalArgumentException("detect.multiview.frames must be between 1 and " + MAX_SAMPLED_FRAMES
                        + ", was " + sampledFrames);
            }
        }

        public static MultiView defaults() {
            return new MultiView(DEFAULT_FACES, DEFAULT_SAMPLED_FRAMES);
        }
    }

    public static final int DEFAULT_MIN_FACE_SIZE = 32;

    public FaceSettings {
        Objects.requireNonNull(bundle, "face bundle folder");
        Objects.requireNonNull(multipleFaces, "multiple-faces policy");
        Objects.requireNonNull(multiView, "multi-view settings");
        if (minFaceSize < 1) {
            throw new IllegalArgumentException("detect.min.face.size must be at least 1 pixel, was " + minFaceSize);
        }
    }

    /** With the default multi-view collection. */
    public FaceSettings(Path bundle, MultipleFaces multipleFaces, int minFaceSize) {
        this(bundle, multipleFaces, minFaceSize, MultiView.defaults());
    }

    /** {@code ~/.cache/idstream/models/face-bundle}, where {@code models prepare} writes the face bundle. */
    public static Path defaultBundle() {
        return Path.of(System.getProperty("user.home"), ".cache", "idstream", "models", "face-bundle");
    }

    public static FaceSettings defaults() {
        return new FaceSettings(defaultBundle(), MultipleFaces.LARGEST, DEFAULT_MIN_FACE_SIZE, MultiView.defaults());
    }

    public FaceSettings withMultiView(MultiView newMultiView) {
        return new FaceSettings(bundle, multipleFaces, minFaceSize, newMultiView);
    }
}
