package dev.idstream.report;

import dev.idstream.core.InputLimits;
import dev.idstream.core.artifacts.ArtifactStore;
import dev.idstream.detect.ReferenceImageDecoder;
import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pictures from the artifacts the events point to (every read sha256-verified by the store): the contact sheet from
 * the video and its per-frame artifact, the thumbnail from the reference image of the video's {@code VideoDecoded}.
 * A picture that cannot be made leaves its reason in the entry; the report is still written.
 */
public final class ArtifactVideoMedia implements VideoMedia {

    private static final Logger log = LoggerFactory.getLogger(ArtifactVideoMedia.class);

    private final ArtifactStore artifacts;
    private final ReferenceImageDecoder referenceDecoder;
    private final ContactSheetRenderer sheets;
    private final int thumbnailHeight;

    /** Frames 96 px high, 8 to a row (16 sampled frames: two rows), the reference image as high as two rows. */
    public static ArtifactVideoMedia standard(ArtifactStore artifacts, InputLimits limits) {
        return new ArtifactVideoMedia(artifacts, limits, new ContactSheetRenderer(96, 8), 2 * 96 + ContactSheetRenderer.GAP);
    }

    public ArtifactVideoMedia(ArtifactStore artifacts, InputLimits limits, ContactSheetRenderer sheets, int thumbnailHeight) {
        this.artifacts = artifacts;
        this.referenceDecoder = new ReferenceImageDecoder(limits);
        this.sheets = sheets;
        this.thumbnailHeight = thumbnailHeight;
    }

    @Override
    public VideoEntry entry(VideoMetrics metrics, VideoDecoded decoded) {
        List<String> problems = new ArrayList<>();
        byte[] sheet = null;
        byte[] thumbnail = null;
        try {
            sheet = contactSheet(metrics);
        } catch (Exception e) {
            problems.add("contact sheet: " + message(e));
        }
        if (decoded == null) {
            problems.add("reference image: its VideoDecoded event was not found on the videos topic");
        } else {
            try {
                thumbnail = ImageEncoding.jpeg(ImageEncoding.toHeight(referenceDecoder.decode(artifacts.get(decoded.getReference())), thumbnailHeight));
            } catch (Exception e) {
                problems.add("reference image: " + message(e));
            }
        }
        return new VideoEntry(metrics, decoded == null ? null : decoded.getPrompt(), sheet, thumbnail,
                problems.isEmpty() ? null : String.join("; ", problems));
    }

    private byte[] contactSheet(VideoMetrics metrics) throws Exception {
        if (metrics.getPerFrame() == null) {
            throw new IllegalStateException("the event has no per-frame artifact");
        }
        PerFrameValues values = PerFrameValues.of(artifacts.getTensors(metrics.getPerFrame()));
        if (values.frames() == 0) {
            throw new IllegalStateException("no frames were sampled");
        }
        Path video = Files.createTempFile("idstream-report-", ".mp4");
        try {
            artifacts.getToFile(metrics.getVideo(), video);
            return ImageEncoding.jpeg(sheets.render(video, values));
        } finally {
            delete(video);
        }
    }

    /** The exception's own words; its class name when it has none (a NullPointerException, say). */
    static String message(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Logged, not thrown: from a finally block it would hide the error that got there. */
    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete the temporary video {}", file, e);
        }
    }
}
