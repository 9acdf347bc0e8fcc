package dev.idstream.core.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits the inputs held at one time into batches: inputs with equal keys together, in arrival order, at most
 * {@code maxSize} per batch; batches ordered by their first input. A null key never shares a batch.
 */
final class BatchGrouping {

    private BatchGrouping() {
    }

    /** @return the batches as indices into {@code keys} */
    static List<List<Integer>> group(List<?> keys, int maxSize) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, was " + maxSize);
        }
        List<List<Integer>> batches = new ArrayList<>();
        Map<Object, List<Integer>> open = new LinkedHashMap<>(); // the batch of each key that still has room
        for (int i = 0; i < keys.size(); i++) {
            Object key = keys.get(i);
            List<Integer> batch = key == null ? null : open.get(key);
            if (batch == null) {
                batch = new ArrayList<>();
                batches.add(batch);
                if (key != null) {
                    open.put(key, batch);
                }
            }
            batch.add(i);
            if (batch.size() == maxSize && key != null) {
                open.remove(key);
            }
        }
        return batches;
    }
}
