package dev.idstream.decode;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** A grid of evenly sampled frames, for reports and a quick look at a video without a player. */
final class ContactSheet {

    private ContactSheet() {}

    static BufferedImage of(List<BufferedImage> frames, int maxTiles, int tileWidth) {
        int n = Math.min(maxTiles, frames.size());
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (int) Math.ceil((double) n / cols);
        BufferedImage first = frames.get(0);
        int tileHeight = Math.max(1, tileWidth * first.getHeight() / first.getWidth());
        int gap = 2;
        BufferedImage sheet = new BufferedImage(cols * (tileWidth + gap) + gap, rows * (tileHeight + gap) + gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        for (int i = 0; i < n; i++) {
            int index = n == 1 ? 0 : (int) Math.round((double) i * (frames.size() - 1) / (n - 1));
            int x = gap + (i % cols) * (tileWidth + gap);
            int y = gap + (i / cols) * (tileHeight + gap);
            g.drawImage(frames.get(index), x, y, tileWidth, tileHeight, null);
        }
        g.dispose();
        return sheet;
    }
}
