package dev.idstream.detect;

import java.awt.Dimension;
import java.util.Optional;

/**
 * Reads a WebP image's size from its header (VP8, VP8L or VP8X chunk), so the pixel limit is enforced
 * before any decoder allocates memory for the pixels.
 */
final class WebpHeader {

    private WebpHeader() {}

    static Optional<Dimension> size(byte[] b) {
        if (b.length < 30) {
            return Optional.empty();
        }
        String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
        switch (chunk) {
            case "VP8X": // 24-bit little-endian width-1 and height-1 at offsets 24 and 27
                return Optional.of(new Dimension(1 + u24(b, 24), 1 + u24(b, 27)));
            case "VP8L": { // 14-bit width-1, 14-bit height-1 after the 0x2f signature byte at offset 20
                if ((b[20] & 0xff) != 0x2f) {
                    return Optional.empty();
                }
                int bits = (b[21] & 0xff) | (b[22] & 0xff) << 8 | (b[23] & 0xff) << 16 | (b[24] & 0xff) << 24;
                return Optional.of(new Dimension(1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff)));
            }
            case "VP8 ": { // key frame start code 9d 01 2a at offset 23, then 14-bit width and height
                if ((b[23] & 0xff) != 0x9d || (b[24] & 0xff) != 0x01 || (b[25] & 0xff) != 0x2a) {
                    return Optional.empty();
                }
                int w = ((b[26] & 0xff) | (b[27] & 0xff) << 8) & 0x3fff;
                int h = ((b[28] & 0xff) | (b[29] & 0xff) << 8) & 0x3fff;
                return Optional.of(new Dimension(w, h));
            }
            default:
                return Optional.empty();
        }
    }

    private static int u24(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16;
    }
}
