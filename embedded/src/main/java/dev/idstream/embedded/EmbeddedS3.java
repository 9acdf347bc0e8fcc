package dev.idstream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 server in this JVM: S3Proxy over its filesystem blob store, on loopback, with AWS signature
 * authentication. Objects live under {@code <dataDir>/blobs} (one folder per bucket), so they survive a restart
 * on the same directory. Credentials are random per start unless given; they are never logged.
 *
 * <p>This module sits below stage-core (whose tests use it), so it cannot return stage-core's {@code S3Settings};
 * build one from {@link #endpoint()}, {@link #region()}, {@link #accessKey()} and {@link #secretKey()}.
 */
public final class EmbeddedS3 implements AutoCloseable {

    /** S3Proxy ignores the region, but V4 signatures name one; clients must sign with the same. */
    public static final String REGION = "us-east-1";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedS3.class);

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3(S3Proxy proxy, BlobStore blobStore, URI endpoint, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts on an ephemeral loopback port with random credentials. */
    public static EmbeddedS3 start(Path dataDir) {
        return builder(dataDir).start();
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** {@code http://127.0.0.1:<port>} */
    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public int port() {
        return endpoint.getPort();
    }

    /** The region clients sign with. */
    public String region() {
        return REGION;
    }

    /** Stops the server at once (requests still in flight fail); stored objects stay on disk. */
    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the embedded S3 server at " + endpoint, e);
        } finally {
            blobStore.close();
        }
        log.info("embedded S3 at {} stopped", endpoint);
    }

    public static final class Builder {
        private final Path dataDir;
        private int port;
        private String accessKey;
        private String secretKey;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** A fixed port, e.g. to restart on the endpoint clients already know; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** Fixed credentials, e.g. to restart with the ones clients already hold; random by default. */
        public Builder credentials(String accessKey, String secretKey) {
            if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
                throw new IllegalArgumentException("access key and secret key must not be blank");
            }
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        public EmbeddedS3 start() {
            String access = accessKey != null ? accessKey : "idstream-" + randomHex(8);
            String secret = secretKey != null ? secretKey : randomHex(24);
            Path blobs = dataDir.resolve("blobs");
            try {
                Files.createDirectories(blobs);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the S3 data directory " + blobs, e);
            }
            BlobStore blobStore = new FilesystemNio2BlobStore(blobs.toAbsolutePath().toString());
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(blobStore)
                    .endpoint(URI.create("http://127.0.0.1:" + port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, access, secret)
                    .stopTimeout(0) // no graceful wait for idle keep-alive connections: stop stages before S3
                    .build();
            try {
                proxy.start();
            } catch (Exception e) {
                blobStore.close();
                throw new IllegalStateException("could not start the embedded S3 server on 127.0.0.1:" + port, e);
            }
            URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
            log.info("embedded S3 at {} serving {}", endpoint, blobs);
            return new EmbeddedS3(proxy, blobStore, endpoint, access, secret);
        }

        private static String randomHex(int bytes) {
            byte[] b = new byte[bytes];
            new SecureRandom().nextBytes(b);
            return HexFormat.of().formatHex(b);
        }
    }
}
