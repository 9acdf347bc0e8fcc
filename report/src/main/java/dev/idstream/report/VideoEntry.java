package dev.idstream.report;

import dev.idstream.events.VideoMetrics;

/**
 * One scored video of the set: its event, the prompt (from its {@code VideoDecoded}, when found) and its pictures.
 *
 * @param contactSheet JPEG of the sampled frames with the detected face boxes, or null
 * @param referenceThumbnail JPEG of the reference image, or null
 * @param mediaProblem why a picture is missing (artifact gone, checksum mismatch, ...), or null
 */
public record VideoEntry(VideoMetrics metrics, String prompt, byte[] contactSheet, byte[] referenceThumbnail,
                         String mediaProblem) {

    public static VideoEntry withoutMedia(VideoMetrics metrics, String prompt, String why) {
        return new VideoEntry(metrics, prompt, null, null, why);
    }
}
