package dev.idstream.face;

import java.util.ArrayList;
import java.util.List;

/**
 * FantasyID §3.2's choice of reference views: greedy farthest-point selection in (yaw, pitch, roll) degrees, so
 * the chosen faces cover the head poses the person showed instead of repeating the most common one. Each step adds
 * the candidate whose smallest distance to the faces chosen so far is largest; ties go to the earlier candidate, so
 * the same input always gives the same set. A candidate whose pose is already in the set (distance 0) is taken only
 * when nothing else is left.
 */
public final class FarthestPoseSelection {

    private FarthestPoseSelection() {
    }

    /**
     * Starts from the most frontal candidate (smallest distance to yaw = pitch = roll = 0, earliest on ties).
     *
     * @return indices into {@code candidates}, in the order chosen; {@code min(count, candidates.size())} of them
     */
    public static List<Integer> select(List<HeadPose> candidates, int count) {
        if (candidates.isEmpty() || count <= 0) {
            return List.of();
        }
        int frontal = 0;
        for (int i = 1; i < candidates.size(); i++) {
            if (norm(candidates.get(i)) < norm(candidates.get(frontal))) {
                frontal = i;
            }
        }
        List<Integer> chosen = new ArrayList<>(List.of(frontal));
        chosen.addAll(extend(List.of(candidates.get(frontal)), candidates, count - 1, frontal));
        return chosen;
    }

    /**
     * Adds candidates to a set that already holds {@code chosen} (e.g. the main reference face).
     *
     * @return indices into {@code candidates}, in the order chosen; {@code min(count, candidates.size())} of them
     */
    public static List<Integer> selectAfter(List<HeadPose> chosen, List<HeadPose> candidates, int count) {
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("selectAfter needs at least one chosen pose; use select to start from the most frontal");
        }
        return extend(chosen, candidates, count, -1);
    }

    private static List<Integer> extend(List<HeadPose> chosen, List<HeadPose> candidates, int count, int alreadyTaken) {
        int n = candidates.size();
        double[] nearest = new double[n]; // distance from each candidate to the closest chosen pose
        boolean[] taken = new boolean[n];
        for (int i = 0; i < n; i++) {
            nearest[i] = Double.POSITIVE_INFINITY;
            for (HeadPose c : chosen) {
                nearest[i] = Math.min(nearest[i], distance(candidates.get(i), c));
            }
        }
        if (alreadyTaken >= 0) {
            taken[alreadyTaken] = true;
        }
        List<Integer> picked = new ArrayList<>();
        while (picked.size() < count) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || nearest[i] > nearest[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            taken[best] = true;
            picked.add(best);
            HeadPose added = candidates.get(best);
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], distance(candidates.get(i), added));
            }
        }
        return picked;
    }

    /** Euclidean distance in degrees over (yaw, pitch, roll). */
    public static double distance(HeadPose a, HeadPose b) {
        double dy = a.yaw() - b.yaw();
        double dp = a.pitch() - b.pitch();
        double dr = a.roll() - b.roll();
        return Math.sqrt(dy * dy + dp * dp + dr * dr);
    }

    private static double norm(HeadPose p) {
        return Math.sqrt(p.yaw() * p.yaw() + p.pitch() * p.pitch() + p.roll() * p.roll());
    }
}
