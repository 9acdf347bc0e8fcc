package dev.idstream.report;

import dev.idstream.events.ArtifactRef;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.Stat;
import dev.idstream.events.VideoMetrics;
import dev.idstream.events.VideoOrigin;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hand-built events for tests of the report's parts that need no pictures. */
final class Events {

    private Events() {
    }

    static VideoMetrics.Builder metrics(String requestId, String modelVersion, String evaluator, Double rs, Double ifs, Double fid, Double fm) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("frameSampling", "round(linspace(0, F-1, 16))");
        settings.put("framesDecoded", Integer.toString(40 + requestId.length()));
        settings.put("fidMode", "per-frame");
        boolean face = rs != null;
        return VideoMetrics.newBuilder()
                .setRequestId(requestId)
                .setTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .setCreatedAt(Instant.parse("2025-01-01T00:00:00Z"))
                .setOrigin(VideoOrigin.GENERATED)
                .setModelVersion(modelVersion)
                .setEvalSetId("set-1")
                .setVideo(ref("s3://idstream/requests/" + requestId + "/decode/video.mp4"))
                .setEvaluator(evaluator)
                .setSettings(settings)
                .setFramesSampled(16)
                .setFramesScored(face ? 16 : 0)
                .setFramesWithoutFace(face ? 0 : 16)
                .setRs(rs).setIfs(ifs).setFidPerFrame(fid).setFm(fm).setFmNormalized(fm == null ? null : fm / 300);
    }

    static MetricsSummary summary(String modelVersion, String evaluator, long videos, double rsMean, Double setFid) {
        Stat rs = Stat.newBuilder().setN(videos).setMean(rsMean).setStddev(0.01).setMin(rsMean - 0.02).setMax(rsMean + 0.02).build();
        return MetricsSummary.newBuilder()
                .setModelVersion(modelVersion).setEvalSetId("set-1").setEvaluator(evaluator)
                .setUpdatedAt(Instant.parse("2025-01-01T00:00:00Z"))
                .setVideos(videos).setVideosWithoutFace(0).setNoFaceRate(0)
                .setRs(rs).setSetFid(setFid)
                .build();
    }

    static ArtifactRef ref(String uri) {
        return ArtifactRef.newBuilder().setUri(uri).setSha256("0".repeat(64)).setSizeBytes(1).setContentType("video/mp4").build();
    }
}
