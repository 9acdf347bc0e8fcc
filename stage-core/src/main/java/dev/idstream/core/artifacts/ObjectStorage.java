package dev.idstream.core.artifacts;

import dev.idstream.core.StageException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The few object-storage calls {@link S3ArtifactStore} makes, so the S3 client library is one small class
 * ({@link MinioObjectStorage}) that another client can replace. Implementations report an unreachable, timed-out
 * or failing (5xx) server as {@link StageException.Transient}; a missing object as an empty {@link Optional};
 * anything else (bad credentials, a refused request) as an unchecked exception naming the object.
 */
public interface ObjectStorage extends AutoCloseable {

    /** Creates the bucket if it does not exist yet (tolerating another process creating it at the same time). */
    void ensureBucket(String bucket) throws StageException.Transient;

    /** Uploads exactly {@code size} bytes of {@code content}, multipart when larger than the part size. */
    void put(String bucket, String key, InputStream content, long size, String contentType,
            Map<String, String> userMetadata) throws StageException.Transient;

    /** Opens the object for reading; empty when it (or its bucket) does not exist. The caller closes the stream. */
    Optional<InputStream> open(String bucket, String key) throws StageException.Transient;

    /** Releases connections and threads (the JVM would otherwise linger on the HTTP client's pools). */
    @Override
    void close();
}
