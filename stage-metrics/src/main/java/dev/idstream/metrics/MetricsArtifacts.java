package dev.idstream.metrics;

import dev.idstream.core.StageContext;
import dev.idstream.core.StageException;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.ArtifactRef;
import dev.idstream.face.Detection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-frame values and the Inception features of one scored video, as safetensors artifacts. Frames without a
 * face carry NaN, never 0, so nobody averages them in by accident.
 */
final class MetricsArtifacts {

    record Written(ArtifactRef perFrame, ArtifactRef inceptionFeatures) {
    }

    private MetricsArtifacts() {
    }

    static Written write(FaceScoring.ScoredFace reference, VideoAnalysis analysis, StageContext ctx) throws StageException {
        ArtifactRef perFrame = ctx.artifacts().putTensors(ctx.key("per-frame.safetensors"), perFrame(reference, analysis));
        ArtifactRef features = ctx.artifacts().putTensors(ctx.key("inception-features.safetensors"), features(reference, analysis));
        return new Written(perFrame, features);
    }

    /**
     * {@code frameIndex} I32 [n], {@code hasFace} U8 [n], {@code box} F32 [n,4] (x, y, width, height),
     * {@code referenceSimilarity} F32 [n] (clamped cosine), {@code fidSquaredDistance} F32 [n] for the n sampled frames;
     * {@code motionPixels} and {@code motionNormalized} F32 [m] for the m frame pairs whose earlier frame had a face.
     */
    static Map<String, Tensor> perFrame(FaceScoring.ScoredFace reference, VideoAnalysis analysis) {
        List<VideoAnalysis.SampledFrame> frames = analysis.sampled();
        int n = frames.size();
        int[] index = new int[n];
        byte[] hasFace = new byte[n];
        float[] box = new float[n * 4];
        float[] rs = new float[n];
        float[] fid = new float[n];
        for (int i = 0; i < n; i++) {
            VideoAnalysis.SampledFrame f = frames.get(i);
            index[i] = f.index();
            if (f.hasFace()) {
                hasFace[i] = 1;
                Detection d = f.box();
                box[4 * i] = (float) d.x0();
                box[4 * i + 1] = (float) d.y0();
                box[4 * i + 2] = (float) d.width();
                box[4 * i + 3] = (float) d.height();
                rs[i] = (float) VideoScores.referenceSimilarity(reference, f.face());
                fid[i] = (float) VideoScores.squaredDistance(reference.inception(), f.face().inception());
            } else {
                java.util.Arrays.fill(box, 4 * i, 4 * i + 4, Float.NaN);
                rs[i] = Float.NaN;
                fid[i] = Float.NaN;
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("frameIndex", Tensor.ofInts(new long[] {n}, index));
        tensors.put("hasFace", Tensor.ofUnsignedBytes(new long[] {n}, hasFace));
        tensors.put("box", Tensor.ofFloats(new long[] {n, 4}, box));
        tensors.put("referenceSimilarity", Tensor.ofFloats(new long[] {n}, rs));
        tensors.put("fidSquaredDistance", Tensor.ofFloats(new long[] {n}, fid));
        if (analysis.motion() != null && !analysis.motion().isEmpty()) {
            List<FaceMotion.PairMotion> motion = analysis.motion();
            float[] pixels = new float[motion.size()];
            float[] normalized = new float[motion.size()];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) motion.get(i).pixels();
                normalized[i] = (float) motion.get(i).normalized();
            }
            tensors.put("motionPixels", Tensor.ofFloats(new long[] {pixels.length}, pixels));
            tensors.put("motionNormalized", Tensor.ofFloats(new long[] {normalized.length}, normalized));
        }
        return tensors;
    }

    /** {@code reference} F32 [1,D]; {@code frames} F32 [k,D] and {@code frameIndex} I32 [k] for the k frames with a face. */
    static Map<String, Tensor> features(FaceScoring.ScoredFace reference, VideoAnalysis analysis) {
        int dim = reference.inception().length;
        List<VideoAnalysis.SampledFrame> withFace = analysis.sampled().stream().filter(VideoAnalysis.SampledFrame::hasFace).toList();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("reference", Tensor.ofFloats(new long[] {1, dim}, reference.inception()));
        if (!withFace.isEmpty()) {
            float[] all = new float[withFace.size() * dim];
            int[] index = new int[withFace.size()];
            for (int i = 0; i < withFace.size(); i++) {
                System.arraycopy(withFace.get(i).face().inception(), 0, all, i * dim, dim);
                index[i] = withFace.get(i).index();
            }
            tensors.put("frames", Tensor.ofFloats(new long[] {withFace.size(), dim}, all));
            tensors.put("frameIndex", Tensor.ofInts(new long[] {withFace.size()}, index));
        }
        return tensors;
    }
}
