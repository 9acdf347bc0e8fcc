package dev.idstream.face.video;

import java.util.TreeSet;

/** DESIGN.md §6's frame sampling: indices {@code round(linspace(0, F-1, N))}, duplicates dropped for short videos. */
public final class FrameSampling {

    private FrameSampling() {
    }

    public static TreeSet<Integer> linspace(int frameCount, int n) {
        TreeSet<Integer> picks = new TreeSet<>();
        if (frameCount <= 0) {
            return picks;
        }
        if (n == 1 || frameCount == 1) {
            picks.add(0);
            return picks;
        }
        for (int i = 0; i < n; i++) {
            picks.add((int) Math.round(i * (frameCount - 1) / (double) (n - 1)));
        }
        return picks;
    }
}
