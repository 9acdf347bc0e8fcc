package dev.idstream.face;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Decodes a clip with javacv and keeps N frames sampled evenly, linspace(0, F-1, N) as DESIGN.md §6. */
final class VideoFrames {

    private VideoFrames() {
    }

    /** Two passes: count the frames (decoding, without converting), then convert only the sampled ones. */
    static List<RgbImage> sample(Path video, int n) throws Exception {
        int count = 0;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.start();
            while (grabber.grabImage() != null) {
                count++;
            }
            grabber.stop();
        }
        TreeSet<Integer> picks = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            picks.add((int) Math.round(i * (count - 1) / (double) (n - 1)));
        }
        List<RgbImage> frames = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            int index = 0;
            for (Frame frame; (frame = grabber.grabImage()) != null && frames.size() < picks.size(); index++) {
                if (picks.contains(index)) {
                    BufferedImage image = converter.convert(frame);
                    frames.add(RgbImage.of(image));
                }
            }
            grabber.stop();
        }
        return frames;
    }
}
