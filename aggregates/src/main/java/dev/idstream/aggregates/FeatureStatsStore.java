package dev.idstream.aggregates;

import dev.idstream.core.StageException;
import dev.idstream.core.artifacts.ArtifactKey;
import dev.idstream.core.artifacts.ArtifactStore;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.FailureReason;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes {@link FeatureStats} as S3 artifacts under deterministic keys
 * ({@code requests/<summary id>/aggregates/stats-<videos>.safetensors}): a record processed again after a crash
 * rewrites byte-identical content, and the Streams state only holds the reference. The latest few statistics stay
 * in memory (by sha256), so the next update does not read back the 64 MB just written.
 */
final class FeatureStatsStore {

    static final String STAGE = "aggregates";
    private static final int CACHED = 4;

    private final ArtifactStore artifacts;
    private final Map<String, FeatureStats> recent = new LinkedHashMap<>(CACHED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FeatureStats> eldest) {
            return size() > CACHED;
        }
    };

    FeatureStatsStore(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    /** The statistics behind {@code ref}, to be changed by the caller (taken out of the cache, so a failed write leaves no stale copy). */
    FeatureStats take(ArtifactRef ref) throws StageException {
        FeatureStats cached = recent.remove(ref.getSha256());
        return cached != null ? cached : read(ref);
    }

    ArtifactRef write(SummaryKey key, long videos, FeatureStats stats) throws StageException {
        ArtifactKey artifactKey = new ArtifactKey(key.artifactId(), STAGE, String.format("stats-%08d.safetensors", videos));
        ArtifactRef ref = artifacts.putTensors(artifactKey, stats.toTensors());
        recent.put(ref.getSha256(), stats);
        return ref;
    }

    /** One video's Inception features as the metrics stage writes them: {@code reference} [1,D] and {@code frames} [k,D] (absent when k = 0). */
    VideoFeatures readVideo(ArtifactRef inceptionFeatures) throws StageException {
        Map<String, Tensor> tensors = artifacts.getTensors(inceptionFeatures);
        Tensor reference = tensors.get("reference");
        if (reference == null || reference.rank() != 2) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "Inception features " + inceptionFeatures.getUri()
                    + " have no 'reference' tensor [1,D]; found " + tensors.keySet());
        }
        int dim = (int) reference.shape()[1];
        Tensor frames = tensors.get("frames");
        if (frames != null && (frames.rank() != 2 || frames.shape()[1] != dim)) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "Inception features " + inceptionFeatures.getUri()
                    + ": 'frames' is " + frames + ", expected [k," + dim + "]");
        }
        return new VideoFeatures(dim, reference.toFloatArray(), (int) reference.shape()[0],
                frames == null ? new float[0] : frames.toFloatArray(), frames == null ? 0 : (int) frames.shape()[0]);
    }

    record VideoFeatures(int dim, float[] reference, int referenceRows, float[] frames, int frameRows) {}

    private FeatureStats read(ArtifactRef ref) throws StageException {
        try {
            return FeatureStats.fromTensors(artifacts.getTensors(ref));
        } catch (IllegalArgumentException e) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "artifact " + ref.getUri() + ": " + e.getMessage(), e);
        }
    }
}
