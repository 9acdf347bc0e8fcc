package dev.idstream.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Test clips' frames as images. */
final class Clips {
    private Clips() {}

    /** Writes the first frame of {@code video} as a PNG: a reference of the very person in the clip. */
    static Path firstFrame(Path video, Path png) throws Exception {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            Frame frame = grabber.grabImage();
            BufferedImage image = converter.convert(frame);
            ImageIO.write(image, "png", png.toFile());
            grabber.stop();
        }
        return png;
    }
}
