package dev.idstream.core.artifacts;

import dev.idstream.core.StageException;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.ArtifactRef;
import java.nio.file.Path;
import java.util.Map;

/**
 * Artifacts by reference. Writes compute and record sha256; reads verify it, and refuse URIs outside the
 * configured bucket. Errors are {@link StageException}s: a missing object, a checksum mismatch or a foreign
 * URI is bad input; an unreachable server is transient.
 */
public interface ArtifactStore extends AutoCloseable {

    String bucket();

    ArtifactRef put(ArtifactKey key, byte[] bytes, String contentType) throws StageException;

    /** Streams a file (multipart for large objects). */
    ArtifactRef putFile(ArtifactKey key, Path file, String contentType) throws StageException;

    /** Writes tensors as one safetensors object; the ref carries dtype and shape when there is exactly one tensor. */
    ArtifactRef putTensors(ArtifactKey key, Map<String, Tensor> tensors) throws StageException;

    /** Reads and verifies size and sha256 against the ref. */
    byte[] get(ArtifactRef ref) throws StageException;

    /** Downloads to a file and verifies it; returns the file. */
    Path getToFile(ArtifactRef ref, Path target) throws StageException;

    Map<String, Tensor> getTensors(ArtifactRef ref) throws StageException;

    @Override
    void close();
}
