package dev.idstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

    @Test
    void shouldStopTheRegistryWhenItsParentJvmIsKilled() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RegistryHolder.class.getName(), dataDir.toString())
                .redirectError(dataDir.resolve("holder.err").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
            String ready = out.readLine();
            while (ready != null && !ready.startsWith("READY ")) {
                ready = out.readLine(); // its log lines
            }
            assertThat(ready).as("holder output; stderr in " + dataDir.resolve("holder.err")).startsWith("READY ");
            ProcessHandle registry = ProcessHandle.of(Long.parseLong(ready.split(" ")[2])).orElseThrow();
            assertThat(registry.isAlive()).isTrue();

            parent.destroyForcibly().waitFor(); // SIGKILL: the parent's shutdown hooks never run

            registry.onExit().get(30, TimeUnit.SECONDS);
            assertThat(registry.isAlive()).isFalse();
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void shouldSayWhereTheDistributionWasExpectedWhenItIsMissing() {
        Path missing = dataDir.resolve("missing-all.tar.gz");
        String previousDist = System.setProperty(ApicurioDistribution.DIST_PROPERTY, missing.toString());
        String previousCache = System.setProperty(ApicurioDistribution.CACHE_PROPERTY, dataDir.resolve("cache").toString());
        try {
            assertThatThrownBy(() -> EmbeddedRegistry.start(dataDir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(missing + ", which is not a file");
        } finally {
            restore(ApicurioDistribution.DIST_PROPERTY, previousDist);
            restore(ApicurioDistribution.CACHE_PROPERTY, previousCache);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
