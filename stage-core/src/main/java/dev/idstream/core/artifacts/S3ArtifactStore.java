package dev.idstream.core.artifacts;

import dev.idstream.core.StageException;
import dev.idstream.core.config.S3Settings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.SafetensorsFormatException;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.FailureReason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ArtifactStore} on S3 (MinIO in production, S3Proxy embedded). Keys come from {@link ArtifactKey}, so a
 * redelivered input overwrites its artifacts with the same bytes and the same {@link ArtifactRef}. The sha256 is
 * recorded in the ref and as object user metadata ({@value #SHA256_METADATA}); reads stream through a digest and
 * check size and sha256 against the ref before returning anything. Safe for concurrent use.
 */
public final class S3ArtifactStore implements ArtifactStore {

    public static final String SHA256_METADATA = "sha256";

    private static final Logger log = LoggerFactory.getLogger(S3ArtifactStore.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    /** Whole-object reads into a byte[] stop here; larger artifacts go through {@link #getToFile}. */
    private static final long MAX_IN_MEMORY_BYTES = Integer.MAX_VALUE - 8;

    private final ObjectStorage storage;
    private final String bucket;

    /**
     * How to talk to S3.
     *
     * @param partSizeBytes multipart part size, 5 MiB to 5 GiB; larger objects are uploaded in parts of this size
     * @param createBucket create the bucket at open if it is missing
     * @param connectTimeout so an S3 server that is down fails a call fast (as {@link StageException.Transient})
     * @param ioTimeout how long a single read or write may stall
     */
    public record Options(long partSizeBytes, boolean createBucket, Duration connectTimeout, Duration ioTimeout) {

        public static final long MIN_PART_SIZE = 5L << 20;
        public static final long MAX_PART_SIZE = 5L << 30;

        public Options {
            if (partSizeBytes < MIN_PART_SIZE || partSizeBytes > MAX_PART_SIZE) {
                throw new IllegalArgumentException("S3 part size must be 5 MiB to 5 GiB, got " + partSizeBytes + " bytes");
            }
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(ioTimeout, "ioTimeout");
        }

        /** 16 MiB parts, bucket created if missing, 5 s to connect, 60 s per read or write. */
        public static Options defaults() {
            return new Options(16L << 20, true, Duration.ofSeconds(5), Duration.ofSeconds(60));
        }

        public Options withPartSizeBytes(long bytes) {
            return new Options(bytes, createBucket, connectTimeout, ioTimeout);
        }

        public Options withCreateBucket(boolean create) {
            return new Options(partSizeBytes, create, connectTimeout, ioTimeout);
        }

        public Options withTimeouts(Duration connect, Duration io) {
            return new Options(partSizeBytes, createBucket, connect, io);
        }
    }

    /** Uses {@code storage} (closed with this store) for the given bucket, which must exist. */
    public S3ArtifactStore(ObjectStorage storage, String bucket) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.bucket = ArtifactUri.requireValidBucket(bucket);
    }

    public static S3ArtifactStore open(S3Settings settings) throws StageException.Transient {
        return open(settings, Options.defaults());
    }

    /** Connects with the MinIO client and, if the options say so, creates the bucket. */
    public static S3ArtifactStore open(S3Settings settings, Options options) throws StageException.Transient {
        ArtifactUri.requireValidBucket(settings.bucket()); // before any client exists that would need closing
        S3ArtifactStore store = new S3ArtifactStore(new MinioObjectStorage(settings, options.partSizeBytes(),
                options.connectTimeout(), options.ioTimeout()), settings.bucket());
        if (options.createBucket()) {
            try {
                store.storage.ensureBucket(store.bucket);
            } catch (StageException.Transient | RuntimeException e) {
                store.close();
                throw e;
            }
        }
        return store;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public ArtifactRef put(ArtifactKey key, byte[] bytes, String contentType) throws StageException {
        String sha256 = Sha256.hex(bytes);
        return upload(key, new ByteArrayInputStream(bytes), bytes.length, sha256, contentType);
    }

    @Override
    public ArtifactRef putFile(ArtifactKey key, Path file, String contentType) throws StageException {
        long size;
        String sha256;
        try {
            // First pass for the digest: it goes into the object's metadata, which S3 takes before the bytes.
            size = Files.size(file);
            sha256 = Sha256.hex(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to store it as " + key.objectKey(), e);
        }
        MessageDigest uploaded = Sha256.newDigest();
        ArtifactRef ref;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), uploaded)) {
            ref = upload(key, in, size, sha256, contentType);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to store it as " + key.objectKey(), e);
        }
        if (!Sha256.hex(uploaded).equals(sha256)) {
            throw new IllegalStateException(file + " changed while it was stored as " + ref.getUri());
        }
        return ref;
    }

    @Override
    public ArtifactRef putTensors(ArtifactKey key, Map<String, Tensor> tensors) throws StageException {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("no tensors to store as " + key.objectKey());
        }
        ArtifactRef ref = put(key, Safetensors.write(tensors), Safetensors.CONTENT_TYPE);
        if (tensors.size() == 1) {
            Tensor only = tensors.values().iterator().next();
            ref.setDtype(only.dtype().name());
            ref.setShape(Arrays.stream(only.shape()).boxed().toList());
        }
        return ref;
    }

    private ArtifactRef upload(ArtifactKey key, InputStream content, long size, String sha256, String contentType)
            throws StageException.Transient {
        Objects.requireNonNull(contentType, "contentType");
        ArtifactUri uri = new ArtifactUri(bucket, key.objectKey());
        storage.put(bucket, uri.key(), content, size, contentType, Map.of(SHA256_METADATA, sha256));
        log.debug("stored {} ({} bytes, sha256 {})", uri, size, sha256);
        return ArtifactRef.newBuilder()
                .setUri(uri.toString())
                .setSha256(sha256)
                .setSizeBytes(size)
                .setContentType(contentType)
                .build();
    }

    @Override
    public byte[] get(ArtifactRef ref) throws StageException {
        ArtifactUri uri = checkRef(ref);
        if (ref.getSizeBytes() > MAX_IN_MEMORY_BYTES) {
            throw new StageException.BadInput(FailureReason.LIMIT_EXCEEDED, "artifact " + uri + " is "
                    + ref.getSizeBytes() + " bytes, more than the " + MAX_IN_MEMORY_BYTES + " that fit in memory");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(ref.getSizeBytes(), 1 << 26));
        copyVerified(ref, uri, out);
        return out.toByteArray();
    }

    @Override
    public Path getToFile(ArtifactRef ref, Path target) throws StageException {
        ArtifactUri uri = checkRef(ref);
        Path dir = target.toAbsolutePath().getParent();
        Path partial = null;
        try {
            Files.createDirectories(dir);
            partial = Files.createTempFile(dir, target.getFileName().toString(), ".part");
            try (OutputStream out = Files.newOutputStream(partial)) {
                copyVerified(ref, uri, out);
            }
            // Only verified bytes ever appear under the target name.
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            partial = null;
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + uri + " to " + target, e);
        } finally {
            deleteQuietly(partial);
        }
    }

    @Override
    public Map<String, Tensor> getTensors(ArtifactRef ref) throws StageException {
        byte[] bytes = get(ref);
        Map<String, Tensor> tensors;
        try {
            tensors = Safetensors.read(bytes).tensors();
        } catch (SafetensorsFormatException e) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT,
                    "artifact " + ref.getUri() + " is not a valid safetensors file: " + e.getMessage(), e);
        }
        checkDeclaredTensor(ref, tensors);
        return tensors;
    }

    /** When the ref names a dtype or shape, the file must hold exactly that one tensor. */
    private static void checkDeclaredTensor(ArtifactRef ref, Map<String, Tensor> tensors) throws StageException.BadInput {
        if (ref.getDtype() == null && ref.getShape() == null) {
            return;
        }
        String declared = ref.getDtype() + " " + ref.getShape();
        if (tensors.size() != 1) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "artifact " + ref.getUri() + " holds "
                    + tensors.size() + " tensors, the event says one " + declared);
        }
        Tensor only = tensors.values().iterator().next();
        List<Long> shape = Arrays.stream(only.shape()).boxed().toList();
        boolean dtypeMatches = ref.getDtype() == null || ref.getDtype().equals(only.dtype().name());
        boolean shapeMatches = ref.getShape() == null || ref.getShape().equals(shape);
        if (!dtypeMatches || !shapeMatches) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "artifact " + ref.getUri() + " holds "
                    + only.dtype() + " " + shape + ", the event says " + declared);
        }
    }

    /** The ref must be well-formed and point into this store's bucket. */
    private ArtifactUri checkRef(ArtifactRef ref) throws StageException.BadInput {
        ArtifactUri uri;
        try {
            uri = ArtifactUri.parse(ref.getUri());
        } catch (IllegalArgumentException e) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "invalid artifact reference: " + e.getMessage(), e);
        }
        if (!uri.bucket().equals(bucket)) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "artifact " + uri
                    + " is outside the configured bucket '" + bucket + "' and is not read");
        }
        if (ref.getSha256() == null || !SHA256_HEX.matcher(ref.getSha256()).matches()) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "artifact " + uri
                    + " has an invalid sha256 '" + ref.getSha256() + "' (expected 64 hex digits)");
        }
        if (ref.getSizeBytes() < 0) {
            throw new StageException.BadInput(FailureReason.BAD_INPUT, "artifact " + uri
                    + " has a negative size " + ref.getSizeBytes());
        }
        return uri;
    }

    /**
     * Streams the object into {@code sink} through a digest, refusing more bytes than the ref declares.
     * Failures of the remote stream are transient; failures of the local sink are not.
     */
    private void copyVerified(ArtifactRef ref, ArtifactUri uri, OutputStream sink) throws StageException {
        long expected = ref.getSizeBytes();
        MessageDigest digest = Sha256.newDigest();
        long count = 0;
        InputStream in = storage.open(uri.bucket(), uri.key()).orElseThrow(() -> new StageException.BadInput(
                FailureReason.MISSING_ARTIFACT, "artifact " + uri + " does not exist"));
        try {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = readRemote(in, buffer, uri)) >= 0; ) {
                count += n;
                if (count > expected) {
                    throw new StageException.BadInput(FailureReason.CHECKSUM_MISMATCH, "artifact " + uri
                            + " is larger than the " + expected + " bytes the event says");
                }
                digest.update(buffer, 0, n);
                writeLocal(sink, buffer, n, uri);
            }
        } finally {
            closeRemote(in, uri);
        }
        if (count != expected) {
            throw new StageException.BadInput(FailureReason.CHECKSUM_MISMATCH, "artifact " + uri + " is " + count
                    + " bytes, the event says " + expected);
        }
        String actual = Sha256.hex(digest);
        if (!actual.equalsIgnoreCase(ref.getSha256())) {
            throw new StageException.BadInput(FailureReason.CHECKSUM_MISMATCH, "artifact " + uri + " sha256 is "
                    + actual + ", the event says " + ref.getSha256());
        }
        log.debug("read {} ({} bytes, sha256 verified)", uri, count);
    }

    private static int readRemote(InputStream in, byte[] buffer, ArtifactUri uri) throws StageException.Transient {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw new StageException.Transient("reading " + uri + " from S3 failed: " + e, e);
        }
    }

    private static void writeLocal(OutputStream sink, byte[] buffer, int length, ArtifactUri uri) {
        try {
            sink.write(buffer, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the download of " + uri, e);
        }
    }

    /** Closing an HTTP body can fail after everything was read; the bytes are verified separately, so only log it. */
    private static void closeRemote(InputStream in, ArtifactUri uri) {
        try {
            in.close();
        } catch (IOException e) {
            log.debug("closing the S3 stream of {} failed", uri, e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("could not delete the partial download {}", file, e);
            }
        }
    }

    @Override
    public void close() {
        storage.close();
    }
}
