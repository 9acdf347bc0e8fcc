package dev.idstream.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** The chosen faces in a grid, each labelled with its frame and head pose, for a look at what the collection picked. */
final class FaceContactSheet {

    private static final int TILE = 256;
    private static final int GAP = 4;
    private static final int LABEL = 40;

    private FaceContactSheet() {
    }

    static BufferedImage of(List<BufferedImage> crops, List<FaceCollection.Face> faces) {
        int n = crops.size();
        int cols = Math.min(n, (int) Math.ceil(Math.sqrt(n * 1.5)));
        int rows = (int) Math.ceil((double) n / cols);
        BufferedImage sheet = new BufferedImage(cols * (TILE + GAP) + GAP, rows * (TILE + LABEL + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i < n; i++) {
            int x = GAP + (i % cols) * (TILE + GAP);
            int y = GAP + (i / cols) * (TILE + LABEL + GAP);
            g.drawImage(crops.get(i), x, y, TILE, TILE, null);
            FaceCollection.Face f = faces.get(i);
            g.setColor(Color.WHITE);
            g.drawString(String.format("#%d  frame %d", f.view(), f.frame()), x + 4, y + TILE + 15);
            g.drawString(String.format("yaw %.1f  pitch %.1f  roll %.1f", f.yaw(), f.pitch(), f.roll()), x + 4, y + TILE + 32);
        }
        g.dispose();
        return sheet;
    }
}
