package dev.idstream.core.artifacts;

import dev.idstream.core.config.S3Settings;
import dev.idstream.embedded.EmbeddedS3;

/**
 * Test fixture (shipped in stage-core's test-jar): {@link S3Settings} for a bucket on an {@link EmbeddedS3}.
 * The embedded module sits below stage-core, so it cannot build stage-core's settings itself.
 */
public final class EmbeddedS3Settings {

    private EmbeddedS3Settings() {}

    public static S3Settings of(EmbeddedS3 s3, String bucket) {
        return new S3Settings(s3.endpoint().toString(), s3.region(), bucket, s3.accessKey(), s3.secretKey());
    }
}
