package dev.idstream.core.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.idstream.core.StageException;
import dev.idstream.core.config.S3Settings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.core.tensor.Tensor.DType;
import dev.idstream.embedded.EmbeddedS3;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.FailureReason;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs against a real S3 server (S3Proxy on its filesystem store) through the real MinIO client. */
class S3ArtifactStoreTest {

    private static final String BUCKET = "idstream-test";
    private static final S3ArtifactStore.Options OPTIONS = S3ArtifactStore.Options.defaults()
            .withPartSizeBytes(5L << 20)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10));

    @TempDir
    static Path sharedDir;

    @TempDir
    Path testDir;

    private static EmbeddedS3 s3;
    private static S3ArtifactStore store;
    /** Looks at what the store wrote from the outside: object metadata and ETags. */
    private static MinioClient raw;

    @BeforeAll
    static void startServer() throws StageException {
        s3 = EmbeddedS3.start(sharedDir.resolve("s3"));
        store = S3ArtifactStore.open(EmbeddedS3Settings.of(s3, BUCKET), OPTIONS);
        raw = MinioClient.builder().endpoint(s3.endpoint().toString()).region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey()).build();
    }

    @AfterAll
    static void stopServer() throws Exception {
        raw.close();
        store.close();
        s3.close();
    }

    private static ArtifactKey key(String name) {
        return new ArtifactKey("req-1", "detect", name);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static ArtifactRef copy(ArtifactRef ref) {
        return ArtifactRef.newBuilder(ref).build();
    }

    @Test
    void shouldReturnVerifiedBytesWhenPutThenGet() throws Exception {
        byte[] bytes = randomBytes(10_000, 1);

        ArtifactRef ref = store.put(key("crop.png"), bytes, "image/png");

        assertThat(ref.getUri()).isEqualTo("s3://" + BUCKET + "/requests/req-1/detect/crop.png");
        assertThat(ref.getSha256()).isEqualTo(sha256(bytes));
        assertThat(ref.getSizeBytes()).isEqualTo(10_000);
        assertThat(ref.getContentType()).isEqualTo("image/png");
        assertThat(ref.getDtype()).isNull();
        assertThat(ref.getShape()).isNull();
        assertThat(store.get(ref)).isEqualTo(bytes);
    }

    @Test
    void shouldStoreAnEmptyObjectWhenBytesAreEmpty() throws Exception {
        ArtifactRef ref = store.put(key("empty.bin"), new byte[0], "application/octet-stream");

        assertThat(ref.getSizeBytes()).isZero();
        assertThat(store.get(ref)).isEmpty();
    }

    @Test
    void shouldDownloadToFileWhenPutFromFile() throws Exception {
        byte[] bytes = randomBytes(1_500_000, 2);
        Path source = Files.write(testDir.resolve("video.mp4"), bytes);

        ArtifactRef ref = store.putFile(key("video.mp4"), source, "video/mp4");
        Path target = store.getToFile(ref, testDir.resolve("downloads/nested/video.mp4"));

        assertThat(ref.getSha256()).isEqualTo(sha256(bytes));
        assertThat(target).hasBinaryContent(bytes);
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target); // no partial download left behind
        }
    }

    @Test
    void shouldRecordSha256AsObjectMetadata() throws Exception {
        assumeTrue(Files.getFileStore(sharedDir).supportsFileAttributeView(UserDefinedFileAttributeView.class),
                "S3Proxy's filesystem store keeps object metadata in extended attributes, which this file system lacks");
        byte[] bytes = randomBytes(1000, 3);
        ArtifactRef ref = store.put(key("meta.bin"), bytes, "application/octet-stream");

        StatObjectResponse stat = stat(ref);

        assertThat(stat.userMetadata().getFirst(S3ArtifactStore.SHA256_METADATA)).isEqualTo(sha256(bytes));
        assertThat(stat.contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void shouldUploadInPartsWhenObjectIsLargerThanOnePart() throws Exception {
        byte[] bytes = randomBytes(12_000_000, 4);

        ArtifactRef ref = store.put(key("latents.bin"), bytes, "application/octet-stream");

        assertThat(stat(ref).etag()).as("a multipart ETag ends with the part count").endsWith("-3");
        assertThat(store.get(ref)).isEqualTo(bytes);
        Path fromFile = Files.write(testDir.resolve("big.bin"), bytes);
        ArtifactRef fileRef = store.putFile(key("big.bin"), fromFile, "application/octet-stream");
        assertThat(stat(fileRef).etag()).endsWith("-3");
        assertThat(store.getToFile(fileRef, testDir.resolve("big-copy.bin"))).hasBinaryContent(bytes);
    }

    @Test
    void shouldRoundTripTensorsOfEveryDtype() throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        float[] floats = {0f, 1f, -2.5f, 0.1f, 65504f, 1e-3f};
        tensors.put("f32", Tensor.ofFloats(new long[] {2, 3}, floats));
        tensors.put("f16", Tensor.ofFloats(new long[] {3, 2}, floats, DType.F16));
        tensors.put("bf16", Tensor.ofFloats(new long[] {6}, floats, DType.BF16));
        tensors.put("i64", Tensor.ofLongs(new long[] {2}, new long[] {Long.MIN_VALUE, Long.MAX_VALUE}));
        tensors.put("i32", Tensor.ofInts(new long[] {1, 3}, new int[] {-1, 0, Integer.MAX_VALUE}));
        tensors.put("u8", Tensor.ofUnsignedBytes(new long[] {4}, new byte[] {0, 1, (byte) 200, (byte) 255}));
        tensors.put("scalar", Tensor.ofFloats(new long[] {}, new float[] {42f}));
        tensors.put("empty", Tensor.ofFloats(new long[] {0, 5}, new float[0]));

        ArtifactRef ref = store.putTensors(key("tensors.safetensors"), tensors);
        Map<String, Tensor> read = store.getTensors(ref);

        assertThat(ref.getContentType()).isEqualTo(Safetensors.CONTENT_TYPE);
        assertThat(ref.getDtype()).as("several tensors: no single dtype").isNull();
        assertThat(read).isEqualTo(tensors);
        assertThat(read.get("f16").toFloatArray()).containsExactly(0f, 1f, -2.5f, 0.099975586f, 65504f, 0.0010004044f);
        assertThat(read.get("u8").toLongArray()).containsExactly(0, 1, 200, 255);
    }

    @Test
    void shouldDescribeTheTensorInTheRefWhenThereIsOnlyOne() throws Exception {
        Tensor idTokens = Tensor.ofFloats(new long[] {1, 2, 3}, new float[] {1, 2, 3, 4, 5, 6}, DType.BF16);

        ArtifactRef ref = store.putTensors(key("id_tokens"), Map.of("id_tokens", idTokens));

        assertThat(ref.getDtype()).isEqualTo("BF16");
        assertThat(ref.getShape()).containsExactly(1L, 2L, 3L);
        assertThat(store.getTensors(ref)).containsExactly(Map.entry("id_tokens", idTokens));
    }

    @Test
    void shouldRefuseTensorsWhoseDtypeOrShapeDifferFromTheRef() throws Exception {
        ArtifactRef ref = store.putTensors(key("latents"),
                Map.of("latents", Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4})));
        ArtifactRef wrongShape = copy(ref);
        wrongShape.setShape(List.of(4L));

        assertThatThrownBy(() -> store.getTensors(wrongShape))
                .isInstanceOfSatisfying(StageException.BadInput.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.BAD_INPUT))
                .hasMessage("artifact " + ref.getUri() + " holds F32 [2, 2], the event says F32 [4]");
    }

    @Test
    void shouldYieldTheSameRefWhenTheSameContentIsPutAgain() throws Exception {
        Tensor a = Tensor.ofFloats(new long[] {2}, new float[] {1, 2});
        Tensor b = Tensor.ofInts(new long[] {1}, new int[] {7});
        Map<String, Tensor> first = new LinkedHashMap<>();
        first.put("a", a);
        first.put("b", b);
        Map<String, Tensor> reordered = new LinkedHashMap<>();
        reordered.put("b", b);
        reordered.put("a", a);

        ArtifactRef once = store.putTensors(key("redelivered"), first);
        ArtifactRef twice = store.putTensors(key("redelivered"), reordered);
        ArtifactRef bytesOnce = store.put(key("again.bin"), new byte[] {1, 2, 3}, "application/octet-stream");
        ArtifactRef bytesTwice = store.put(key("again.bin"), new byte[] {1, 2, 3}, "application/octet-stream");

        assertThat(twice).isEqualTo(once);
        assertThat(bytesTwice).isEqualTo(bytesOnce);
        assertThat(store.getTensors(twice)).isEqualTo(first);
    }

    @Test
    void shouldFailWithChecksumMismatchWhenTheObjectDiffersFromTheRef() throws Exception {
        ArtifactRef ref = store.put(key("tampered.bin"), new byte[] {1, 2, 3, 4}, "application/octet-stream");
        ArtifactRef otherSha = copy(ref);
        otherSha.setSha256("0".repeat(64));

        assertThatThrownBy(() -> store.get(otherSha))
                .isInstanceOfSatisfying(StageException.BadInput.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.CHECKSUM_MISMATCH))
                .hasMessage("artifact " + ref.getUri() + " sha256 is " + ref.getSha256() + ", the event says " + "0".repeat(64));
        Path target = testDir.resolve("tampered.bin");
        assertThatThrownBy(() -> store.getToFile(otherSha, target)).isInstanceOf(StageException.BadInput.class);
        assertThat(target).doesNotExist();
        try (Stream<Path> files = Files.list(testDir)) {
            assertThat(files).as("no partial download left behind").isEmpty();
        }
    }

    @Test
    void shouldFailWithChecksumMismatchWhenTheSizeDiffersFromTheRef() throws Exception {
        ArtifactRef ref = store.put(key("sized.bin"), new byte[] {1, 2, 3, 4}, "application/octet-stream");
        ArtifactRef larger = copy(ref);
        larger.setSizeBytes(5L);
        ArtifactRef smaller = copy(ref);
        smaller.setSizeBytes(3L);

        assertThatThrownBy(() -> store.get(larger))
                .isInstanceOfSatisfying(StageException.BadInput.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.CHECKSUM_MISMATCH))
                .hasMessage("artifact " + ref.getUri() + " is 4 bytes, the event says 5");
        assertThatThrownBy(() -> store.get(smaller))
                .isInstanceOfSatisfying(StageException.BadInput.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.CHECKSUM_MISMATCH))
                .hasMessage("artifact " + ref.getUri() + " is larger than the 3 bytes the event says");
    }

    @Test
    void shouldFailWithMissingArtifactWhenTheObjectDoesNotExist() {
        ArtifactRef ref = ArtifactRef.newBuilder()
                .setUri("s3://" + BUCKET + "/requests/nobody/detect/crop.png")
                .setSha256("a".repeat(64))
                .setSizeBytes(10)
                .setContentType("image/png")
                .build();

        assertThatThrownBy(() -> store.get(ref))
                .isInstanceOfSatisfying(StageException.BadInput.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.MISSING_ARTIFACT))
                .hasMessage("artifact s3://" + BUCKET + "/requests/nobody/detect/crop.png does not exist");
    }

    static Stream<String> refusedUris() {
        return Stream.of(
                "s3://other-bucket/requests/r/detect/crop.png",
                "http://127.0.0.1/" + BUCKET + "/x",
                "s3://" + BUCKET,
                "s3://" + BUCKET + "/",
                "s3:///requests/x",
                "s3://" + BUCKET + "/requests/../../etc/passwd",
                "s3://" + BUCKET + "/requests//x",
                "s3://Not_A_Bucket/x",
                "");
    }

    @ParameterizedTest
    @MethodSource("refusedUris")
    void shouldRefuseUrisOutsideTheBucketOrMalformed(String uri) {
        ArtifactRef ref = ArtifactRef.newBuilder()
                .setUri(uri).setSha256("a".repeat(64)).setSizeBytes(1).setContentType("image/png").build();

        assertThatThrownBy(() -> store.get(ref))
                .isInstanceOfSatisfying(StageException.BadInput.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.BAD_INPUT));
    }

    @Test
    void shouldNameTheConfiguredBucketWhenRefusingAForeignOne() {
        ArtifactRef ref = ArtifactRef.newBuilder()
                .setUri("s3://other-bucket/secret").setSha256("a".repeat(64)).setSizeBytes(1).setContentType("x/y").build();

        assertThatThrownBy(() -> store.get(ref))
                .hasMessage("artifact s3://other-bucket/secret is outside the configured bucket '" + BUCKET + "' and is not read");
    }

    @Test
    void shouldRefuseAnArtifactThatIsNotSafetensors() throws Exception {
        ArtifactRef ref = store.put(key("fake.safetensors"), "not a tensor file".getBytes(), Safetensors.CONTENT_TYPE);

        assertThatThrownBy(() -> store.getTensors(ref))
                .isInstanceOfSatisfying(StageException.BadInput.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.BAD_INPUT))
                .hasMessageStartingWith("artifact " + ref.getUri() + " is not a valid safetensors file: ");
    }

    @Test
    void shouldFailTransientlyAndQuicklyWhenTheServerIsDownThenRecover() throws Exception {
        Path dir = testDir.resolve("s3-down");
        EmbeddedS3 server = EmbeddedS3.start(dir);
        int port = server.port();
        String access = server.accessKey();
        String secret = server.secretKey();
        try (S3ArtifactStore own = S3ArtifactStore.open(EmbeddedS3Settings.of(server, BUCKET), OPTIONS)) {
            ArtifactRef ref = own.put(key("before.bin"), new byte[] {9, 8, 7}, "application/octet-stream");
            server.close();

            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                assertThatThrownBy(() -> own.get(ref)).isInstanceOf(StageException.Transient.class)
                        .hasMessageContaining("127.0.0.1:" + port);
                assertThatThrownBy(() -> own.put(key("after.bin"), new byte[] {1}, "application/octet-stream"))
                        .isInstanceOf(StageException.Transient.class);
            });

            try (EmbeddedS3 restarted = EmbeddedS3.builder(dir).port(port).credentials(access, secret).start()) {
                assertThat(own.get(ref)).containsExactly(9, 8, 7);
            }
        }
    }

    @Test
    void shouldFailTransientlyWhenOpeningAgainstAServerThatIsDown() {
        Path dir = testDir.resolve("s3-gone");
        S3Settings settings;
        try (EmbeddedS3 server = EmbeddedS3.start(dir)) {
            settings = EmbeddedS3Settings.of(server, BUCKET);
        }

        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> S3ArtifactStore.open(settings, OPTIONS)).isInstanceOf(StageException.Transient.class));
    }

    @Test
    void shouldKeepObjectsWhenTheServerRestartsOnTheSameDirectory() throws Exception {
        Path dir = testDir.resolve("s3-persistent");
        byte[] bytes = randomBytes(50_000, 5);
        ArtifactRef ref;
        try (EmbeddedS3 first = EmbeddedS3.start(dir);
                S3ArtifactStore firstStore = S3ArtifactStore.open(EmbeddedS3Settings.of(first, BUCKET), OPTIONS)) {
            ref = firstStore.put(key("kept.bin"), bytes, "application/octet-stream");
        }
        try (EmbeddedS3 second = EmbeddedS3.start(dir);
                S3ArtifactStore secondStore = S3ArtifactStore.open(EmbeddedS3Settings.of(second, BUCKET), OPTIONS.withCreateBucket(false))) {
            assertThat(secondStore.get(ref)).isEqualTo(bytes);
        }
    }

    @Test
    void shouldRefuseAPartSizeS3DoesNotAllow() {
        assertThatThrownBy(() -> S3ArtifactStore.Options.defaults().withPartSizeBytes(1 << 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 MiB to 5 GiB");
    }

    private static StatObjectResponse stat(ArtifactRef ref) throws Exception {
        ArtifactUri uri = ArtifactUri.parse(ref.getUri());
        return raw.statObject(StatObjectArgs.builder().bucket(uri.bucket()).object(uri.key()).build());
    }
}
