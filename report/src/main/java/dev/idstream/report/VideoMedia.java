package dev.idstream.report;

import dev.idstream.events.VideoDecoded;
import dev.idstream.events.VideoMetrics;

/** Produces the pictures of one video's row (contact sheet, reference thumbnail). */
@FunctionalInterface
public interface VideoMedia {

    /** @param decoded the video's {@code VideoDecoded} (reference image, prompt), or null when it was not found */
    VideoEntry entry(VideoMetrics metrics, VideoDecoded decoded);

    /** No pictures at all, for the given reason (e.g. tables only). */
    static VideoMedia none(String why) {
        return (metrics, decoded) -> VideoEntry.withoutMedia(metrics, decoded == null ? null : decoded.getPrompt(), why);
    }
}
