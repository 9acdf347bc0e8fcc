package dev.idstream.core.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.idstream.core.StageException;
import dev.idstream.core.config.S3Settings;
import dev.idstream.embedded.EmbeddedS3;
import dev.idstream.events.ArtifactRef;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the store classifies server faults. A real S3 server covers refused credentials; for a failing (5xx) or
 * stalled server, a small HTTP server plays the misbehaving S3 endpoint, since a healthy one cannot be made to.
 */
class S3ArtifactStoreFaultsTest {

    private static final String BUCKET = "idstream-faults";
    private static final S3ArtifactStore.Options OPTIONS = S3ArtifactStore.Options.defaults()
            .withCreateBucket(false)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1));
    private static final ArtifactRef REF = ArtifactRef.newBuilder()
            .setUri("s3://" + BUCKET + "/requests/r/detect/crop.png")
            .setSha256("a".repeat(64))
            .setSizeBytes(3)
            .setContentType("image/png")
            .build();

    @TempDir
    Path dir;

    private HttpServer fake;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stopFake() {
        release.countDown();
        if (fake != null) {
            fake.stop(0);
        }
    }

    @Test
    void shouldFailTransientlyWhenS3AnswersWithAServerError() {
        S3Settings settings = fakeS3(exchange -> respond(exchange, 503,
                "<Error><Code>ServiceUnavailable</Code><Message>try later</Message></Error>"));

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (S3ArtifactStore store = S3ArtifactStore.open(settings, OPTIONS)) {
                assertThatThrownBy(() -> store.get(REF)).isInstanceOf(StageException.Transient.class)
                        .hasMessageContaining("get " + REF.getUri());
                assertThatThrownBy(() -> store.put(new ArtifactKey("r", "detect", "x"), new byte[] {1}, "x/y"))
                        .isInstanceOf(StageException.Transient.class);
            }
        });
    }

    @Test
    void shouldFailTransientlyInsteadOfHangingWhenS3Stalls() {
        S3Settings settings = fakeS3(exchange -> {
            try {
                release.await(60, TimeUnit.SECONDS); // never answers within the store's 1 s read timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (S3ArtifactStore store = S3ArtifactStore.open(settings, OPTIONS)) {
                assertThatThrownBy(() -> store.get(REF)).isInstanceOf(StageException.Transient.class)
                        .hasMessageContaining("unreachable or too slow (connect timeout 2000 ms, read/write timeout 1000 ms)");
            }
        });
    }

    @Test
    void shouldNotRetryWhenS3RefusesTheCredentials() throws Exception {
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir)) {
            S3Settings wrongSecret = new S3Settings(s3.endpoint().toString(), s3.region(), BUCKET, s3.accessKey(), "not-the-secret");

            assertThatThrownBy(() -> S3ArtifactStore.open(wrongSecret, OPTIONS.withCreateBucket(true)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("S3 refused to create bucket " + BUCKET + " at " + s3.endpoint())
                    .hasMessageNotContaining("not-the-secret");
        }
    }

    private S3Settings fakeS3(HttpHandler handler) {
        try {
            fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        fake.createContext("/", handler);
        fake.setExecutor(Executors.newCachedThreadPool());
        fake.start();
        return new S3Settings("http://127.0.0.1:" + fake.getAddress().getPort(), "us-east-1", BUCKET, "access", "secret");
    }

    private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
