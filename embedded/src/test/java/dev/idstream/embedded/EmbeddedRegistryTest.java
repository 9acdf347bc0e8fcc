package dev.idstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRegistryTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void shouldServeConfluentApiUntilClosed() throws Exception {
        String subjectsUrl;
        try (EmbeddedRegistry registry = EmbeddedRegistry.start(dataDir)) {
            System.out.printf("Apicurio Registry start-up: %d ms%n", registry.startupTime().toMillis());
            assertThat(registry.ccompatUrl()).isEqualTo("http://127.0.0.1:" + registry.port() + "/apis/ccompat/v7");
            subjectsUrl = registry.ccompatUrl() + "/subjects";

            HttpResponse<String> register = http.send(HttpRequest.newBuilder(URI.create(subjectsUrl + "/probe-value/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"\\\"string\\\"\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(register.statusCode()).isEqualTo(200);
            assertThat(register.body()).contains("\"id\"");
            assertThat(get(subjectsUrl).body()).isEqualTo("[\"probe-value\"]");
            assertThat(registry.logFile()).isRegularFile().content().contains("Listening on: http://127.0.0.1:" + registry.port());
        }
        assertThatThrownBy(() -> get(subjectsUrl)).isInstanceOf(ConnectException.class);
    }

    @Test
    void shouldStartTwoIndependentRegistries() throws Exception {
        try (EmbeddedRegistry first = EmbeddedRegistry.start(dataDir.resolve("a"));
             EmbeddedRegistry second = EmbeddedRegistry.start(dataDir.resolve("b"))) {
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(get(first.ccompatUrl() + "/subjects").statusCode()).isEqualTo(200);
            assertThat(get(second.ccompatUrl() + "/subjects").statusCode()).isEqualTo(200);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
