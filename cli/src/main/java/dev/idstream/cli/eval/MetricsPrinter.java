package dev.idstream.cli.eval;

import dev.idstream.events.VideoMetrics;
import java.io.PrintWriter;

/** Prints one video's scores; a null score is printed as null, never as a number it does not have. */
public final class MetricsPrinter {

    private MetricsPrinter() {}

    public static void print(String title, VideoMetrics m, PrintWriter out) {
        out.printf("%s  (request %s, evaluator %s%s)%n", title, m.getRequestId(), m.getEvaluator(),
                m.getEvalSetId() == null ? "" : ", eval set " + m.getEvalSetId() + (m.getLabel() == null ? "" : " / " + m.getLabel()));
        out.printf("  frames sampled %d, scored %d, without a face %d%n", m.getFramesSampled(), m.getFramesScored(), m.getFramesWithoutFace());
        out.printf("  RS %s  IFS %s  FID(per-frame) %s  FM %s px/frame (%s of the face diagonal)%s%n", show(m.getRs()), show(m.getIfs()),
                show(m.getFidPerFrame()), show(m.getFm()), show(m.getFmNormalized()),
                m.getRs() == null ? "   (null = not measured, never a fake score)" : "");
    }

    static String show(Double v) {
        return v == null ? "null" : String.format("%.3f", v);
    }
}
