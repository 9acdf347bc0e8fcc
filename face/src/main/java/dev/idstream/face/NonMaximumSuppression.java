package dev.idstream.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy ("hard") non-maximum suppression, as SCRFD and RetinaFace use it. */
final class NonMaximumSuppression {

    private NonMaximumSuppression() {
    }

    /**
     * Highest score first; a candidate overlapping an already kept face by IoU above {@code iouThreshold} is
     * dropped. IoU is taken on continuous boxes (insightface's numpy version adds 1 to widths and heights,
     * pixel-index style; for face-sized boxes the difference is a fraction of a percent).
     */
    static List<Detection> hard(List<Detection> candidates, double iouThreshold, int maxFaces) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection d : sorted) {
            if (kept.size() == maxFaces) {
                break;
            }
            if (kept.stream().noneMatch(k -> k.iou(d) > iouThreshold)) {
                kept.add(d);
            }
        }
        return kept;
    }
}
