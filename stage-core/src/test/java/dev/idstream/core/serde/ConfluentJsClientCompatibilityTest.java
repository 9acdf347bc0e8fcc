package dev.idstream.core.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.idstream.embedded.EmbeddedRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte compatibility with Confluent's own JavaScript client ({@code @confluentinc/schemaregistry}, the reference
 * implementation outside Java), in both directions, against the real registry.
 */
class ConfluentJsClientCompatibilityTest {

    @TempDir
    static Path dataDir;
    @TempDir
    Path workDir;
    static EmbeddedRegistry registry;
    static ConfluentEventSerde serde;

    @BeforeAll
    static void start() throws Exception {
        NodeCompatScript.install();
        registry = EmbeddedRegistry.start(dataDir);
        serde = new ConfluentEventSerde(new SchemaRegistryClient(registry.ccompatUrl()), true);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void shouldBeReadByConfluentsJavaScriptClientWhenJavaWritesEveryEventType() throws Exception {
        List<SampleEvents.Sample> samples = SampleEvents.all();
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        List<Integer> schemaIds = new ArrayList<>();
        for (SampleEvents.Sample sample : samples) {
            String topic = "java-to-js." + sample.topic();
            byte[] payload = serde.serialize(topic, sample.event());
            schemaIds.add(ByteBuffer.wrap(payload, 1, 4).getInt());
            items.addObject().put("name", sample.name()).put("topic", topic)
                    .put("payload", Base64.getEncoder().encodeToString(payload));
        }

        JsonNode decoded = new NodeCompatScript(workDir).decode(registry.ccompatUrl(), items);

        List<String> differences = new ArrayList<>();
        assertThat(decoded).hasSize(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            JsonNode result = decoded.get(i);
            assertThat(result.get("name").asText()).isEqualTo(samples.get(i).name());
            assertThat(result.get("schemaId").asInt()).isEqualTo(schemaIds.get(i));
            String name = samples.get(i).name();
            EventJson.differences(EventJson.toJson(samples.get(i).event()), result.get("value"))
                    .forEach(d -> differences.add(name + " " + d));
        }
        assertThat(differences).isEmpty();
    }

    @Test
    void shouldReadEveryEventTypeWhenConfluentsJavaScriptClientWritesItAndProduceTheSameBytes() throws Exception {
        List<SampleEvents.Sample> samples = SampleEvents.all();
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        for (SampleEvents.Sample sample : samples) {
            items.addObject().put("name", sample.name()).put("topic", "js-to-java." + sample.topic())
                    .put("schema", PortableSchema.of(sample.event().getSchema()).toString())
                    .set("value", EventJson.toJson(sample.event()));
        }

        JsonNode encoded = new NodeCompatScript(workDir).encode(registry.ccompatUrl(), items);

        assertThat(encoded).hasSize(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            SampleEvents.Sample sample = samples.get(i);
            String topic = encoded.get(i).get("topic").asText();
            byte[] jsBytes = Base64.getDecoder().decode(encoded.get(i).get("payload").asText());

            SpecificRecord read = serde.deserialize(topic, jsBytes, sample.event().getClass());
            byte[] javaBytes = serde.serialize(topic, sample.event());

            assertThat(read).as(sample.name()).isEqualTo(sample.event());
            assertThat(HexFormat.of().formatHex(javaBytes)).as(sample.name() + " bytes, Java vs JavaScript")
                    .isEqualTo(HexFormat.of().formatHex(jsBytes));
        }
    }
}
