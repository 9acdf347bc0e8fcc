package dev.idstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedS3Test {

    @TempDir
    Path dataDir;

    @Test
    void shouldServeS3OnLoopbackAndRefuseUnsignedRequestsWhenStarted() throws Exception {
        try (EmbeddedS3 s3 = EmbeddedS3.start(dataDir)) {
            assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(s3.port()).isPositive();
            assertThat(s3.accessKey()).isNotBlank();
            assertThat(s3.secretKey()).isNotBlank().isNotEqualTo(s3.accessKey());
            assertThat(Files.isDirectory(dataDir.resolve("blobs"))).isTrue();

            HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(s3.endpoint().resolve("/")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(403);
            assertThat(anonymous.body()).contains("AccessDenied");
        }
    }

    @Test
    void shouldReleaseThePortWhenClosed() throws Exception {
        URI endpoint;
        try (EmbeddedS3 s3 = EmbeddedS3.start(dataDir)) {
            endpoint = s3.endpoint();
        }
        assertThatThrownBy(() -> new Socket(endpoint.getHost(), endpoint.getPort()).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void shouldRestartOnTheSamePortWithTheSameCredentialsWhenAskedTo() throws IOException {
        int port;
        try (EmbeddedS3 s3 = EmbeddedS3.builder(dataDir).credentials("access", "secret-value").start()) {
            port = s3.port();
        }
        try (EmbeddedS3 again = EmbeddedS3.builder(dataDir).port(port).credentials("access", "secret-value").start()) {
            assertThat(again.port()).isEqualTo(port);
            assertThat(again.accessKey()).isEqualTo("access");
            assertThat(again.secretKey()).isEqualTo("secret-value");
        }
    }

    @Test
    void shouldRejectBlankCredentials() {
        assertThatThrownBy(() -> EmbeddedS3.builder(dataDir).credentials(" ", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
