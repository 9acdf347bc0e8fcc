package dev.idstream.core.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.embedded.EmbeddedRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaRegistryClientTest {

    @TempDir
    static Path dataDir;
    static EmbeddedRegistry registry;

    private final SchemaRegistryClient client = new SchemaRegistryClient(registry.ccompatUrl());

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = EmbeddedRegistry.start(dataDir);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void shouldReturnTheSameIdWhenTheSameSchemaIsRegisteredAgain() {
        Schema schema = point("x", "y");

        int first = client.register("points-value", schema);
        int again = new SchemaRegistryClient(registry.ccompatUrl()).register("points-value", schema);

        assertThat(again).isEqualTo(first);
        assertThat(client.lookup("points-value", schema)).isEqualTo(first);
        assertThat(client.schemaById(first)).isEqualTo(schema);
    }

    @Test
    void shouldFindASchemaThatAnotherClientRegisteredWithDifferentFormatting() throws Exception {
        // As a build plugin or another language's client may send it: the .avsc text, spaces and attribute order kept.
        String avscText = "{ \"name\" : \"Point\", \"type\" : \"record\", \"namespace\" : \"test\",\n \"fields\" : [ "
                + "{ \"type\" : \"int\", \"name\" : \"a\" }, { \"type\" : \"int\", \"name\" : \"b\" } ] }";
        HttpResponse<String> registered = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + "/subjects/formatting-value/versions"))
                        .header("Content-Type", SchemaRegistryClient.CONTENT_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                JsonNodeFactory.instance.objectNode().put("schema", avscText).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(200);
        int id = new ObjectMapper().readTree(registered.body()).get("id").asInt();
        Schema parsed = new Schema.Parser().parse(avscText);

        // Equal schemas must be found whatever their text (Apicurio compares texts unless in canonical-hash mode).
        assertThat(client.lookup("formatting-value", parsed)).isEqualTo(id);
        assertThat(new SchemaRegistryClient(registry.ccompatUrl()).register("formatting-value", parsed)).isEqualTo(id);
    }

    @Test
    void shouldCacheIdsAndSchemas() {
        Schema schema = point("p", "q");
        int id = client.register("cached-value", schema);
        client.schemaById(id);
        long requests = client.requestsSent();

        for (int i = 0; i < 10; i++) {
            assertThat(client.register("cached-value", schema)).isEqualTo(id);
            assertThat(client.lookup("cached-value", schema)).isEqualTo(id);
            assertThat(client.schemaById(id)).isEqualTo(schema);
        }

        assertThat(client.requestsSent()).isEqualTo(requests);
    }

    @Test
    void shouldReportAnUnregisteredSchemaClearly() {
        client.register("known-value", point("x", "y"));

        assertThatThrownBy(() -> client.lookup("known-value", point("u", "v")))
                .isInstanceOf(SchemaNotRegisteredException.class)
                .hasMessageContaining("schema test.Point is not registered under subject 'known-value'");
        assertThatThrownBy(() -> client.lookup("no-such-subject-value", point("x", "y")))
                .isInstanceOf(SchemaNotRegisteredException.class)
                .hasMessageContaining("'no-such-subject-value'")
                .hasMessageContaining("Registry said:");
    }

    @Test
    void shouldReportAnUnknownIdWithTheRegistrysAnswer() {
        assertThatThrownBy(() -> client.schemaById(987654))
                .isInstanceOf(UnknownSchemaIdException.class)
                .hasMessageContaining("schema id 987654 is unknown")
                .hasMessageContaining("answered 404 to GET /schemas/ids/987654");
    }

    @Test
    void shouldEnforceTheSubjectsCompatibilityLevelAndShowTheRegistrysReason() {
        client.register("evolving-value", point("x", "y"));
        client.setCompatibility("evolving-value", "BACKWARD");
        Schema withRequiredField = point("x", "y", "z");

        assertThat(client.compatibility("evolving-value")).isEqualTo("BACKWARD");
        assertThat(client.isCompatibleWithLatest("evolving-value", withRequiredField)).isFalse();
        assertThatThrownBy(() -> client.register("evolving-value", withRequiredField))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("answered 409 to POST /subjects/evolving-value/versions")
                .hasMessageContaining("Incompatible")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).isTransient()).isFalse());
    }

    @Test
    void shouldRejectAMalformedUrl() {
        assertThatThrownBy(() -> new SchemaRegistryClient("localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be http(s)://");
    }

    private static Schema point(String... fields) {
        SchemaBuilder.FieldAssembler<Schema> assembler = SchemaBuilder.record("Point").namespace("test").fields();
        for (String field : fields) {
            assembler = assembler.requiredInt(field);
        }
        return assembler.endRecord();
    }
}
