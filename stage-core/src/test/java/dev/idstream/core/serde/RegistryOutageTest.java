package dev.idstream.core.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.embedded.EmbeddedRegistry;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Once a stage has seen an event type, a registry outage does not stop it: ids and schemas are cached. */
class RegistryOutageTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepSerializingKnownEventsWhenTheRegistryGoesDown() throws Exception {
        List<SampleEvents.Sample> samples = SampleEvents.full();
        ConfluentEventSerde serde;
        byte[][] payloads = new byte[samples.size()][];
        try (EmbeddedRegistry registry = EmbeddedRegistry.start(dataDir)) {
            serde = new ConfluentEventSerde(new SchemaRegistryClient(registry.ccompatUrl()), true);
            for (int i = 0; i < samples.size(); i++) {
                payloads[i] = serde.serialize(samples.get(i).topic(), samples.get(i).event());
                serde.deserialize(samples.get(i).topic(), payloads[i], samples.get(i).event().getClass());
            }
        }

        for (int i = 0; i < samples.size(); i++) {
            SampleEvents.Sample sample = samples.get(i);
            assertThat(serde.serialize(sample.topic(), sample.event())).isEqualTo(payloads[i]);
            SpecificRecord read = serde.deserialize(sample.topic(), payloads[i], sample.event().getClass());
            assertThat(read).isEqualTo(sample.event());
        }
        SpecificRecord unseenTopic = samples.get(0).event();
        assertThatThrownBy(() -> serde.serialize("idstream.unseen.v1", unseenTopic))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("cannot reach the Schema Registry at")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).isTransient()).isTrue());
    }
}
