package dev.idstream.cli;

import dev.idstream.events.RequestStatus;
import dev.idstream.events.StageFailed;
import dev.idstream.events.StageProgress;
import java.io.PrintStream;

/**
 * Renders what a request is doing: one line per finished stage and a live progress bar for long steps.
 * On a terminal the bar redraws in place; in a log (CI, pipes) each update is its own line.
 */
final class ProgressPrinter {

    private static final int BAR_WIDTH = 30;
    private final PrintStream out;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private boolean barOpen;

    ProgressPrinter(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    void progress(StageProgress p) {
        int total = Math.max(1, p.getTotalSteps());
        int filled = Math.min(BAR_WIDTH, BAR_WIDTH * p.getStep() / total);
        String line = String.format("  %-9s [%s%s] %3d/%-3d %s", p.getStage(), "#".repeat(filled), "-".repeat(BAR_WIDTH - filled),
                p.getStep(), total, p.getMessage() == null ? "" : p.getMessage());
        if (interactive) {
            out.print("\r" + line);
            barOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    void status(RequestStatus s) {
        closeBar();
        out.printf("  %-9s %-16s %6.1f s%s%n", s.getStage(), s.getState(), elapsedSeconds(),
                s.getMessage() == null ? "" : "  " + s.getMessage());
    }

    void failure(StageFailed f) {
        closeBar();
        out.printf("FAILED at %s (%s): %s%n", f.getStage(), f.getReason(), f.getMessage());
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void closeBar() {
        if (barOpen) {
            out.println();
            barOpen = false;
        }
    }
}
