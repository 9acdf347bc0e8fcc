package dev.idstream.face;

import java.util.List;

/** ROC AUC of scores for positive vs negative pairs (probability a positive outscores a negative; ties count half). */
final class RocAuc {

    private RocAuc() {
    }

    static double of(List<Double> positives, List<Double> negatives) {
        double wins = 0;
        for (double p : positives) {
            for (double n : negatives) {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }
        return wins / ((double) positives.size() * negatives.size());
    }
}
