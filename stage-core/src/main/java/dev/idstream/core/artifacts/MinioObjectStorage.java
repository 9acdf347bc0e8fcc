package dev.idstream.core.artifacts;

import dev.idstream.core.StageException;
import dev.idstream.core.config.S3Settings;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.Http;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.SocketFactory;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/** {@link ObjectStorage} over the MinIO Java client: the only class that knows that library. */
public final class MinioObjectStorage implements ObjectStorage {

    private static final Set<String> MISSING = Set.of("NoSuchKey", "NoSuchBucket");
    private static final Set<String> ALREADY_THERE = Set.of("BucketAlreadyOwnedByYou", "BucketAlreadyExists");
    /** S3 error codes that mean "try again later" even without a 5xx status. */
    private static final Set<String> RETRYABLE = Set.of("SlowDown", "InternalError", "ServiceUnavailable",
            "RequestTimeout", "RequestTimeTooSkewed", "OperationAborted");

    private final MinioClient client;
    private final String endpoint;
    private final String region;
    private final long partSizeBytes;
    private final String timeouts;

    /**
     * @param partSizeBytes multipart part size (5 MiB to 5 GiB); objects up to this size go in one request
     * @param connectTimeout how long to wait for a connection, so a server that is down fails fast
     * @param ioTimeout how long a read or write may stall
     */
    public MinioObjectStorage(S3Settings settings, long partSizeBytes, Duration connectTimeout, Duration ioTimeout) {
        this.endpoint = settings.endpoint();
        this.region = settings.region();
        this.partSizeBytes = partSizeBytes;
        this.timeouts = "connect timeout " + connectTimeout.toMillis() + " ms, read/write timeout " + ioTimeout.toMillis() + " ms";
        MinioClient.Builder builder = MinioClient.builder()
                .endpoint(settings.endpoint())
                .region(settings.region()) // a known region spares a GetBucketLocation round trip
                .credentials(settings.accessKey(), settings.secretKey());
        if (settings.endpoint().startsWith("http://")) {
            builder.httpClient(cleartextClient(), true);
        }
        this.client = builder.build();
        // Rebuilds the HTTP client with these timeouts, keeping everything else.
        client.setTimeout(connectTimeout.toMillis(), ioTimeout.toMillis(), ioTimeout.toMillis());
    }

    /**
     * For a plain-HTTP endpoint (the embedded server, a MinIO in the same pod): MinIO's default client sets up TLS
     * (loading the JDK trust store, twice) for every store it opens, which takes seconds on a busy machine. Otherwise
     * it is the client MinIO would build (HTTP/1.1, its retry of 408/429/5xx answers), plus TCP_NODELAY: without it a
     * small PUT waits on Nagle's algorithm and delayed ACKs (measured on loopback: about 60 ms → 30 ms per 10 kB put).
     * Closed with the MinIO client.
     */
    private static OkHttpClient cleartextClient() {
        return new OkHttpClient.Builder()
                .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
                .protocols(List.of(Protocol.HTTP_1_1))
                .socketFactory(new NoDelaySocketFactory())
                .addInterceptor(new Http.StatusRetryInterceptor())
                .build();
    }

    /** Plain sockets with TCP_NODELAY set. */
    private static final class NoDelaySocketFactory extends SocketFactory {
        private final SocketFactory plain = SocketFactory.getDefault();

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(plain.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(plain.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(plain.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(plain.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return noDelay(plain.createSocket(address, port, localAddress, localPort));
        }

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }
    }

    @Override
    public void ensureBucket(String bucket) throws StageException.Transient {
        String what = "create bucket " + bucket;
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).region(region).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).region(region).build());
            }
        } catch (ErrorResponseException e) {
            if (!ALREADY_THERE.contains(e.errorResponse().code())) {
                throw transientOrThrow(what, e);
            }
        } catch (MinioException | RuntimeException e) {
            throw transientOrThrow(what, e);
        }
    }

    @Override
    public void put(String bucket, String key, InputStream content, long size, String contentType,
            Map<String, String> userMetadata) throws StageException.Transient {
        try {
            client.putObject(PutObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .region(region)
                    .stream(content, size, partSizeBytes)
                    .contentType(contentType)
                    .userMetadata(userMetadata)
                    .build());
        } catch (MinioException | RuntimeException e) {
            throw transientOrThrow("put s3://" + bucket + "/" + key, e);
        }
    }

    @Override
    public Optional<InputStream> open(String bucket, String key) throws StageException.Transient {
        try {
            return Optional.of(client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).region(region).build()));
        } catch (ErrorResponseException e) {
            if (MISSING.contains(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw transientOrThrow("get s3://" + bucket + "/" + key, e);
        } catch (MinioException | RuntimeException e) {
            throw transientOrThrow("get s3://" + bucket + "/" + key, e);
        }
    }

    /**
     * Transient: no connection, a timeout or any other I/O failure, a 5xx, or an S3 "slow down"-style code.
     * Everything else (credentials, permissions, a refused request) is returned as an unchecked exception
     * for the caller to throw: retrying would not help.
     */
    private StageException.Transient transientOrThrow(String what, Exception e) {
        String at = what + " at " + endpoint;
        if (e instanceof ErrorResponseException ere) {
            int status = ere.response() == null ? 0 : ere.response().code();
            String code = ere.errorResponse().code();
            if (status >= 500 || RETRYABLE.contains(code)) {
                return new StageException.Transient("S3 could not " + at + ": " + code + " (HTTP " + status + ")", e);
            }
            throw new IllegalStateException("S3 refused to " + at + ": " + code + " (HTTP " + status + ") "
                    + ere.errorResponse().message(), e);
        }
        if (e instanceof ServerException se) {
            return new StageException.Transient("S3 could not " + at + ": HTTP " + se.statusCode(), e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return new StageException.Transient("S3 unreachable or too slow (" + timeouts + "), could not " + at + ": " + t, e);
            }
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        throw new IllegalStateException("could not " + at, e);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not close the S3 client for " + endpoint, e);
        }
    }
}
