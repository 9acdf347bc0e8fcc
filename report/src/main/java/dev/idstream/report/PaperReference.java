package dev.idstream.report;

import java.util.List;

/**
 * The FantasyID paper's Table 2 (DESIGN.md §6). Shown for orientation only: the paper's evaluator is not ours (our
 * identity model is the 128-d dlib ResNet and our Inception features are FID-like), so the numbers are not comparable.
 */
public final class PaperReference {

    public record Row(String method, double rs, double ifs, double fid, double fm) {
    }

    public static final List<Row> TABLE_2 = List.of(
            new Row("FantasyID", 0.57, 0.95, 142.5, 0.61),
            new Row("ConsisID", 0.47, 0.93, 149.7, 0.54),
            new Row("ID-Animator", 0.35, 0.98, 138.3, 0.18));

    private PaperReference() {
    }
}
