package dev.idstream.detect;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import dev.idstream.core.InputLimits;
import dev.idstream.core.StageException;
import dev.idstream.events.FailureReason;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

/**
 * Turns the bytes a user uploaded into an upright RGB image, or a {@link StageException.BadInput} a person can act on.
 *
 * <p>Order matters: size limit on the bytes, format from the magic bytes, pixel limit from the header (before any
 * pixel memory is allocated, so a 20000×20000 "PNG bomb" costs nothing), then a strict decode that treats a
 * truncated file as an error, then EXIF orientation.
 */
public final class ReferenceImageDecoder {

    private final InputLimits limits;

    public ReferenceImageDecoder(InputLimits limits) {
        this.limits = limits;
    }

    public BufferedImage decode(byte[] bytes) throws StageException.BadInput {
        if (bytes.length == 0) {
            throw bad(FailureReason.BAD_INPUT, "the reference image is empty (0 bytes)");
        }
        if (bytes.length > limits.maxImageBytes()) {
            throw bad(FailureReason.LIMIT_EXCEEDED, String.format("the reference image is %,d bytes, the limit is %,d bytes",
                    bytes.length, limits.maxImageBytes()));
        }
        ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> bad(FailureReason.BAD_INPUT,
                "the reference is not a JPEG, PNG or WebP image (its first bytes are " + hexPrefix(bytes) + ")"));
        Dimension size = headerSize(format, bytes);
        checkPixels(size);
        BufferedImage image = format == ImageFormat.WEBP ? decodeWithOpenCv(bytes) : decodeStrict(format, bytes);
        if (image.getWidth() != size.width || image.getHeight() != size.height) {
            throw bad(FailureReason.BAD_INPUT, "the reference image decodes to " + image.getWidth() + "×" + image.getHeight()
                    + " but its header says " + size.width + "×" + size.height + ": the file is corrupt");
        }
        return toRgb(applyExifOrientation(image, format, bytes));
    }

    private void checkPixels(Dimension size) throws StageException.BadInput {
        if (size.width <= 0 || size.height <= 0) {
            throw bad(FailureReason.BAD_INPUT, "the reference image header gives an empty size " + size.width + "×" + size.height);
        }
        if (size.width > limits.maxImageWidth() || size.height > limits.maxImageHeight()) {
            throw bad(FailureReason.LIMIT_EXCEEDED, "image is " + size.width + "×" + size.height + ", the limit is "
                    + limits.maxImageWidth() + "×" + limits.maxImageHeight());
        }
    }

    private static Dimension headerSize(ImageFormat format, byte[] bytes) throws StageException.BadInput {
        if (format == ImageFormat.WEBP) {
            return WebpHeader.size(bytes).orElseThrow(() -> bad(FailureReason.BAD_INPUT,
                    "the reference WebP image has an unreadable header: the file is truncated or corrupt"));
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = reader(format, in);
            try {
                return new Dimension(reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw bad(FailureReason.BAD_INPUT, "the reference " + format + " image has an unreadable header: " + e.getMessage());
        }
    }

    /** ImageIO decodes a truncated JPEG to a half-grey picture and only warns: warnings are errors here. */
    private static BufferedImage decodeStrict(ImageFormat format, byte[] bytes) throws StageException.BadInput {
        List<String> warnings = new ArrayList<>();
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = reader(format, in);
            try {
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw bad(FailureReason.BAD_INPUT, "the reference " + format + " image cannot be decoded ("
                    + e.getMessage() + "): the file is truncated or corrupt");
        }
        if (!warnings.isEmpty()) {
            throw bad(FailureReason.BAD_INPUT, "the reference " + format + " image is damaged (" + String.join("; ", warnings)
                    + "): the file is truncated or corrupt");
        }
        return image;
    }

    private static ImageReader reader(ImageFormat format, ImageInputStream in) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase());
        if (!readers.hasNext()) {
            throw new IOException("no " + format + " reader available");
        }
        ImageReader reader = readers.next();
        reader.setInput(in, true, true);
        return reader;
    }

    private static BufferedImage decodeWithOpenCv(byte[] bytes) throws StageException.BadInput {
        try (BytePointer data = new BytePointer(bytes);
                Mat encoded = new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, data);
                Mat decoded = imdecode(encoded, IMREAD_COLOR);
                OpenCVFrameConverter.ToMat toMat = new OpenCVFrameConverter.ToMat();
                Java2DFrameConverter toImage = new Java2DFrameConverter()) {
            if (decoded == null || decoded.empty()) {
                throw bad(FailureReason.BAD_INPUT, "the reference WebP image cannot be decoded: the file is truncated or corrupt");
            }
            return deepCopy(toImage.convert(toMat.convert(decoded)));
        }
    }

    /** The converter's image shares native memory that is freed with the Mat. */
    private static BufferedImage deepCopy(BufferedImage src) {
        BufferedImage copy = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return copy;
    }

    /** Maps stored pixels to upright ones for EXIF orientations 2..8 (mirror, rotate, transpose). */
    private static BufferedImage applyExifOrientation(BufferedImage image, ImageFormat format, byte[] bytes) {
        int orientation = format == ImageFormat.PNG ? 1 : exifOrientation(bytes);
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        BufferedImage in = toRgb(image);
        int w = in.getWidth();
        int h = in.getHeight();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int[] src = in.getRGB(0, 0, w, h, null, 0, w);
        int[] dst = new int[src.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                dst[y * ow + x] = src[sy * w + sx];
            }
        }
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, ow, oh, dst, 0, ow);
        return out;
    }

    private static int exifOrientation(byte[] bytes) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes));
            ExifIFD0Directory dir = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (dir != null && dir.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return dir.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            }
        } catch (Exception e) {
            // Unreadable metadata is not a reason to reject an image that decodes: keep it as stored.
        }
        return 1;
    }

    private static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return rgb;
    }

    private static String hexPrefix(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            s.append(String.format("%02x ", b[i]));
        }
        return s.toString().trim();
    }

    private static StageException.BadInput bad(FailureReason reason, String message) {
        return new StageException.BadInput(reason, message);
    }
}
