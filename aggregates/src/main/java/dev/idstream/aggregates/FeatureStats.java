package dev.idstream.aggregates;

import dev.idstream.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The accumulated Inception statistics of one summary: the generated face crops (every scored frame) and the
 * reference crops (one per video), as safetensors tensors {@code <side>.count} I64 [1], {@code <side>.mean} F64 [D]
 * and {@code <side>.comoment} F64 [D,D].
 */
record FeatureStats(GaussianStats generated, GaussianStats reference) {

    static FeatureStats empty(int dim) {
        return new FeatureStats(new GaussianStats(dim), new GaussianStats(dim));
    }

    int dim() {
        return generated.dim();
    }

    /** Set-level Fréchet distance; null when either side has fewer than 2 samples. */
    Double frechetDistance() {
        if (generated.count() < 2 || reference.count() < 2) {
            return null;
        }
        return FrechetDistance.between(generated, reference);
    }

    Map<String, Tensor> toTensors() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        put(tensors, "generated", generated);
        put(tensors, "reference", reference);
        return tensors;
    }

    static FeatureStats fromTensors(Map<String, Tensor> tensors) {
        return new FeatureStats(side(tensors, "generated"), side(tensors, "reference"));
    }

    private static void put(Map<String, Tensor> tensors, String side, GaussianStats stats) {
        int d = stats.dim();
        tensors.put(side + ".count", Tensor.ofLongs(new long[] {1}, new long[] {stats.count()}));
        tensors.put(side + ".mean", Tensor.ofDoubles(new long[] {d}, stats.mean()));
        tensors.put(side + ".comoment", Tensor.ofDoubles(new long[] {d, d}, stats.comoment()));
    }

    private static GaussianStats side(Map<String, Tensor> tensors, String side) {
        Tensor count = tensors.get(side + ".count");
        Tensor mean = tensors.get(side + ".mean");
        Tensor comoment = tensors.get(side + ".comoment");
        if (count == null || mean == null || comoment == null || mean.rank() != 1) {
            throw new IllegalArgumentException("not a feature statistics file: it lacks " + side + ".count, .mean or .comoment, has "
                    + tensors.keySet());
        }
        return new GaussianStats((int) mean.shape()[0], count.toLongArray()[0], mean.toDoubleArray(), comoment.toDoubleArray());
    }
}
