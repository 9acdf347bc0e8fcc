package dev.idstream.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.artifacts.EmbeddedS3Settings;
import dev.idstream.core.artifacts.MinioObjectStorage;
import dev.idstream.embedded.EmbeddedS3;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a bundle from an S3 prefix on a real S3 server, with the committed tiny generator bundle as the payload. */
class S3BundleSourceTest {

    private static final String BUCKET = "models";
    private static final Path TINY = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."))
            .resolve("models/generator-tiny");

    @TempDir
    static Path dir;

    static EmbeddedS3 s3;
    static MinioObjectStorage storage;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.start(dir.resolve("s3"));
        storage = new MinioObjectStorage(EmbeddedS3Settings.of(s3, BUCKET), 16L << 20, Duration.ofSeconds(5), Duration.ofSeconds(60));
        storage.ensureBucket(BUCKET);
        upload("bundles/tiny", TINY);
    }

    @AfterAll
    static void stop() {
        storage.close();
        s3.close();
    }

    @Test
    void shouldLoadABundleFromAnS3PrefixAndReuseTheCache() throws Exception {
        Path cache = dir.resolve("cache-a");
        ModelBundle bundle = ModelBundle.load(new S3BundleSource(storage, "s3://models/bundles/tiny/", cache));
        assertThat(bundle.name()).isEqualTo("idstream-generator-tiny");
        assertThat(bundle.roles()).contains("denoiser", "vae_decoder");
        assertThat(bundle.location()).isEqualTo("s3://models/bundles/tiny");

        Path denoiser = bundle.model("denoiser").file();
        long modified = Files.getLastModifiedTime(denoiser).toMillis();
        Thread.sleep(20);
        ModelBundle again = ModelBundle.load(new S3BundleSource(storage, "s3://models/bundles/tiny", cache));
        assertThat(Files.getLastModifiedTime(again.model("denoiser").file()).toMillis()).as("unchanged files are not fetched again")
                .isEqualTo(modified);
    }

    @Test
    void shouldRejectABundleWhoseFileDoesNotMatchItsChecksum() throws Exception {
        upload("bundles/tampered", TINY);
        byte[] garbage = "not the denoiser".getBytes();
        storage.put(BUCKET, "bundles/tampered/denoiser.onnx", new ByteArrayInputStream(garbage), garbage.length,
                "application/octet-stream", Map.of());
        assertThatThrownBy(() -> ModelBundle.load(new S3BundleSource(storage, "s3://models/bundles/tampered", dir.resolve("cache-b"))))
                .isInstanceOf(BundleException.class).hasMessageContaining("denoiser").hasMessageContaining("sha256");
    }

    @Test
    void shouldSayWhatIsMissingWhenThePrefixHoldsNoBundle() {
        assertThatThrownBy(() -> ModelBundle.load(new S3BundleSource(storage, "s3://models/bundles/none", dir.resolve("cache-c"))))
                .isInstanceOf(BundleException.class).hasMessageContaining("bundles/none/bundle.json does not exist");
    }

    private static void upload(String prefix, Path folder) throws Exception {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String key = prefix + "/" + folder.relativize(f).toString().replace('\\', '/');
                try (var in = Files.newInputStream(f)) {
                    storage.put(BUCKET, key, in, Files.size(f), "application/octet-stream", Map.of());
                }
            }
        }
    }
}
