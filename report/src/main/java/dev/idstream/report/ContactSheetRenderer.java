package dev.idstream.report;

import dev.idstream.face.video.VideoReader;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A grid of the frames the metrics stage sampled, each with the face box it scored (green) or a "no face" mark (red),
 * the frame number and the frame's reference similarity: what the scores were computed on, at a glance.
 */
public final class ContactSheetRenderer {

    private static final Color FACE = new Color(0x22, 0xC5, 0x5E);
    private static final Color NO_FACE = new Color(0xDC, 0x26, 0x26);
    private static final Color LABEL_BACKGROUND = new Color(0, 0, 0, 150);
    static final int GAP = 4;

    private final int thumbnailHeight;
    private final int columns;

    /** @param thumbnailHeight pixels per frame; @param columns frames per row */
    public ContactSheetRenderer(int thumbnailHeight, int columns) {
        if (thumbnailHeight < 32 || columns < 1) {
            throw new IllegalArgumentException("thumbnails need at least 32 px and one column, got " + thumbnailHeight + " px, " + columns);
        }
        this.thumbnailHeight = thumbnailHeight;
        this.columns = columns;
    }

    /** Reads the sampled frames of the video (stopping after the last one) and draws the sheet. */
    public BufferedImage render(Path video, PerFrameValues values) throws Exception {
        Map<Integer, BufferedImage> frames = new HashMap<>();
        Map<Integer, Integer> slotOf = new HashMap<>();
        for (int i = 0; i < values.frames(); i++) {
            slotOf.put(values.frameIndex()[i], i);
        }
        int last = values.lastFrameIndex();
        double[] scale = {1};
        VideoReader.forEachFrame(video, (index, image) -> {
            if (slotOf.containsKey(index)) {
                BufferedImage full = image.toBufferedImage();
                scale[0] = thumbnailHeight / (double) full.getHeight();
                frames.put(index, ImageEncoding.toHeight(full, thumbnailHeight));
            }
            return index < last;
        });
        if (frames.isEmpty()) {
            throw new IllegalStateException("none of the sampled frames " + slotOf.keySet() + " could be read from the video");
        }
        int width = frames.values().iterator().next().getWidth();
        int rows = (values.frames() + columns - 1) / columns;
        int cols = Math.min(columns, values.frames());
        BufferedImage sheet = new BufferedImage(cols * width + (cols - 1) * GAP, rows * thumbnailHeight + (rows - 1) * GAP,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            ImageEncoding.hints(g);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, thumbnailHeight / 11)));
            for (int i = 0; i < values.frames(); i++) {
                int x = (i % columns) * (width + GAP);
                int y = (i / columns) * (thumbnailHeight + GAP);
                drawCell(g, frames.get(values.frameIndex()[i]), values, i, x, y, width, scale[0]);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    private void drawCell(Graphics2D g, BufferedImage frame, PerFrameValues values, int i, int x, int y, int width, double scale) {
        Graphics2D cell = (Graphics2D) g.create(x, y, width, thumbnailHeight);
        try {
            if (frame == null) {
                cell.setColor(new Color(0xE5, 0xE7, 0xEB));
                cell.fillRect(0, 0, width, thumbnailHeight);
                label(cell, "frame " + values.frameIndex()[i] + " unreadable", 0, thumbnailHeight, NO_FACE, false);
                return;
            }
            cell.drawImage(frame, 0, 0, null);
            label(cell, "#" + values.frameIndex()[i], 0, 0, LABEL_BACKGROUND, true);
            if (values.hasFace()[i]) {
                float[] b = values.box();
                cell.setColor(FACE);
                cell.setStroke(new BasicStroke(2f));
                cell.drawRect((int) Math.round(b[4 * i] * scale), (int) Math.round(b[4 * i + 1] * scale),
                        (int) Math.round(b[4 * i + 2] * scale), (int) Math.round(b[4 * i + 3] * scale));
                float rs = values.referenceSimilarity()[i];
                label(cell, Float.isNaN(rs) ? "RS —" : String.format(Locale.ROOT, "RS %.2f", rs), 0, thumbnailHeight, LABEL_BACKGROUND, false);
            } else {
                cell.setColor(NO_FACE);
                cell.setStroke(new BasicStroke(3f));
                cell.drawRect(1, 1, width - 3, thumbnailHeight - 3);
                label(cell, "no face", 0, thumbnailHeight, NO_FACE, false);
            }
        } finally {
            cell.dispose();
        }
    }

    /** A text tag at the top-left corner ({@code top}) or the bottom-left corner of a cell. */
    private static void label(Graphics2D g, String text, int x, int y, Color background, boolean top) {
        FontMetrics fm = g.getFontMetrics();
        int pad = 3;
        int w = fm.stringWidth(text) + 2 * pad;
        int h = fm.getAscent() + fm.getDescent() + pad;
        int boxY = top ? y : y - h;
        g.setColor(background);
        g.fillRect(x, boxY, w, h);
        g.setColor(Color.WHITE);
        g.drawString(text, x + pad, boxY + pad / 2 + fm.getAscent());
    }
}
