package dev.idstream.report;

import dev.idstream.core.tensor.Tensor;
import java.util.Map;

/**
 * The metrics stage's per-frame artifact ({@code VideoMetrics.perFrame}) for the n sampled frames: frame index,
 * whether a face was scored, its box (x, y, width, height in frame pixels; NaN without a face) and the frame's
 * reference similarity (NaN without a face).
 */
public record PerFrameValues(int[] frameIndex, boolean[] hasFace, float[] box, float[] referenceSimilarity) {

    public PerFrameValues {
        int n = frameIndex.length;
        if (hasFace.length != n || box.length != 4 * n || referenceSimilarity.length != n) {
            throw new IllegalArgumentException("per-frame values disagree in length: " + n + " frames, " + hasFace.length
                    + " face flags, " + box.length / 4 + " boxes, " + referenceSimilarity.length + " similarities");
        }
    }

    /** Reads the tensors the metrics stage writes; a missing one is named in the error. */
    public static PerFrameValues of(Map<String, Tensor> tensors) {
        long[] index = require(tensors, "frameIndex").toLongArray();
        long[] face = require(tensors, "hasFace").toLongArray();
        int[] frameIndex = new int[index.length];
        boolean[] hasFace = new boolean[face.length];
        for (int i = 0; i < index.length; i++) {
            frameIndex[i] = Math.toIntExact(index[i]);
        }
        for (int i = 0; i < face.length; i++) {
            hasFace[i] = face[i] != 0;
        }
        return new PerFrameValues(frameIndex, hasFace, require(tensors, "box").toFloatArray(),
                require(tensors, "referenceSimilarity").toFloatArray());
    }

    public int frames() {
        return frameIndex.length;
    }

    public int lastFrameIndex() {
        int last = -1;
        for (int i : frameIndex) {
            last = Math.max(last, i);
        }
        return last;
    }

    private static Tensor require(Map<String, Tensor> tensors, String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the per-frame artifact has no '" + name + "' tensor (it has " + tensors.keySet() + ")");
        }
        return t;
    }
}
