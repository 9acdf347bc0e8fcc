package dev.idstream.metrics;

import dev.idstream.face.FaceAnalyzer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every setting that changes the numbers, recorded with each result so results of different evaluators never mix. */
final class MetricsSettings {

    private MetricsSettings() {
    }

    static Map<String, String> describe(int sampledFrames, VideoAnalysis analysis, FaceAnalyzer analyzer) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("frameSampling", "round(linspace(0, F-1, " + sampledFrames + ")) for RS, IFS and FID; all frames for FM");
        s.put("framesDecoded", Integer.toString(analysis.frameCount()));
        s.put("faceChoice", "largest face per frame; none found: frame padded by 25% with grey 127 and retried; "
                + "still none: counted in framesWithoutFace and left out");
        s.put("detector", analyzer.detector().family() + " minScore " + analyzer.detector().settings().minScore() + ", confirmed by FaceMesh");
        s.put("rs", "mean over scored frames of max(0, cos(e_ref, e_frame)), identity embeddings of aligned crops ("
                + analyzer.embedder().template().name() + " template, " + analyzer.embedder().inputSize() + " px)");
        s.put("ifs", "mean cos(e_t, e_t+1) over consecutive scored frames");
        s.put("fidMode", "per-frame");
        s.put("fid", "mean over scored frames of ||f_ref - f_frame||^2, Inception pool features of aligned face crops ("
                + analyzer.embedder().template().name() + " template, " + FaceScoring.FID_CROP_SIZE + " px)");
        s.put("fm", FaceMotion.SETTINGS + "; pixels per frame; fmNormalized divides by the box diagonal");
        s.put("motionPairs", Integer.toString(analysis.motion() == null ? 0 : analysis.motion().size()));
        s.put("motionPairsWithoutFace", Integer.toString(analysis.motionPairsWithoutFace()));
        return s;
    }
}
