package dev.idstream.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the face stages (detect, metrics) need beyond the runtime: where the face bundle is, and detect's policies.
 *
 * @param bundle        the face bundle folder ({@code models.face.bundle}; default: where {@code models prepare} puts it)
 * @param multipleFaces what detect does when the reference shows more than one face ({@code detect.multiple.faces})
 * @param minFaceSize   the smallest face detect accepts, shorter side of the box in pixels ({@code detect.min.face.size})
 */
public record FaceSettings(Path bundle, MultipleFaces multipleFaces, int minFaceSize) {

    public enum MultipleFaces {
        /** use the largest face and record how many were found */
        LARGEST,
        /** fail the request: the reference must show exactly one person */
        FAIL
    }

    public static final int DEFAULT_MIN_FACE_SIZE = 32;

    public FaceSettings {
        Objects.requireNonNull(bundle, "face bundle folder");
        Objects.requireNonNull(multipleFaces, "multiple-faces policy");
        if (minFaceSize < 1) {
            throw new IllegalArgumentException("detect.min.face.size must be at least 1 pixel, was " + minFaceSize);
        }
    }

    /** {@code ~/.cache/idstream/models/face-bundle}, where {@code models prepare} writes the face bundle. */
    public static Path defaultBundle() {
        return Path.of(System.getProperty("user.home"), ".cache", "idstream", "models", "face-bundle");
    }

    public static FaceSettings defaults() {
        return new FaceSettings(defaultBundle(), MultipleFaces.LARGEST, DEFAULT_MIN_FACE_SIZE);
    }
}
