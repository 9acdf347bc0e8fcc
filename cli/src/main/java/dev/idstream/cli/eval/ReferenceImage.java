package dev.idstream.cli.eval;

import dev.idstream.core.InputLimits;
import dev.idstream.core.StageException;
import dev.idstream.detect.ReferenceImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks a reference image on this side, with the decoder and limits the stages use, so a bad one is refused before publishing. */
public final class ReferenceImage {

    private ReferenceImage() {}

    public static void check(Path path, InputLimits limits) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no such reference image: " + path);
        }
        try {
            if (Files.size(path) > limits.maxImageBytes()) { // refused before reading a huge file into memory
                throw new IllegalArgumentException("the reference " + path + " is " + Files.size(path) + " bytes, the limit is "
                        + limits.maxImageBytes());
            }
            new ReferenceImageDecoder(limits).decode(Files.readAllBytes(path));
        } catch (StageException.BadInput e) {
            throw new IllegalArgumentException("cannot use " + path + " as the reference: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the reference " + path + ": " + e.getMessage(), e);
        }
    }

    /** The MIME type the artifact gets, from the file's extension (the decoder checks the content, not the name). */
    static String contentType(Path path) {
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".png")) {
            return "image/png";
        }
        if (name.endsWith(".webp")) {
            return "image/webp";
        }
        return name.endsWith(".jpg") || name.endsWith(".jpeg") ? "image/jpeg" : "application/octet-stream";
    }
}
