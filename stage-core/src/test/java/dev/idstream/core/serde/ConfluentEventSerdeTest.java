package dev.idstream.core.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.Topics;
import dev.idstream.embedded.EmbeddedRegistry;
import dev.idstream.events.FaceDetected;
import dev.idstream.events.MetricsSummary;
import dev.idstream.events.StageProgress;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfluentEventSerdeTest {

    @TempDir
    static Path dataDir;
    static EmbeddedRegistry registry;
    static ConfluentEventSerde serde;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = EmbeddedRegistry.start(dataDir);
        serde = new ConfluentEventSerde(new SchemaRegistryClient(registry.ccompatUrl()), true);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    static Iterable<SampleEvents.Sample> samples() {
        return SampleEvents.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void shouldRoundTripEveryEventType(SampleEvents.Sample sample) throws Exception {
        byte[] payload = serde.serialize(sample.topic(), sample.event());

        SpecificRecord read = serde.deserialize(sample.topic(), payload, sample.event().getClass());

        assertThat(read).isEqualTo(sample.event());
    }

    @Test
    void shouldFrameWithMagicByteAndTheIdRegisteredUnderTheTopicSubject() {
        SampleEvents.Sample sample = SampleEvents.full().get(0);
        byte[] payload = serde.serialize(sample.topic(), sample.event());

        int id = ByteBuffer.wrap(payload, 1, 4).getInt();
        SchemaRegistryClient independent = new SchemaRegistryClient(registry.ccompatUrl());
        assertThat(payload[0]).isZero();
        assertThat(independent.lookup(sample.topic() + "-value", PortableSchema.of(sample.event().getSchema()))).isEqualTo(id);
        assertThat(independent.schemaById(id)).isEqualTo(PortableSchema.of(sample.event().getSchema()));
        assertThat(independent.schemaById(id).toString()).doesNotContain("avro.java.string");
        assertThat(independent.subjects()).contains(Topics.REQUESTS + "-value");
    }

    @Test
    void shouldAskTheRegistryOnlyOnceForEachSchemaWhenEventsRepeat() throws Exception {
        ConfluentEventSerde fresh = new ConfluentEventSerde(new SchemaRegistryClient(registry.ccompatUrl()), true);
        for (SampleEvents.Sample sample : SampleEvents.full()) {
            fresh.deserialize(sample.topic(), fresh.serialize(sample.topic(), sample.event()), sample.event().getClass());
        }
        long afterFirstRound = fresh.registry().requestsSent();

        for (int round = 0; round < 3; round++) {
            for (SampleEvents.Sample sample : SampleEvents.all()) {
                fresh.deserialize(sample.topic(), fresh.serialize(sample.topic(), sample.event()), sample.event().getClass());
            }
        }

        assertThat(afterFirstRound).isEqualTo(2L * SampleEvents.full().size());
        assertThat(fresh.registry().requestsSent()).isEqualTo(afterFirstRound);
    }

    @Test
    void shouldRefuseToSerializeWhenAutoRegisterIsOffAndTheSchemaIsNotRegistered() {
        ConfluentEventSerde strict = new ConfluentEventSerde(new SchemaRegistryClient(registry.ccompatUrl()), false);
        SpecificRecord event = SampleEvents.full().get(6).event();

        assertThatThrownBy(() -> strict.serialize("test.unregistered.v1", event))
                .isInstanceOf(SchemaNotRegisteredException.class)
                .hasMessageContaining("dev.idstream.events.StageProgress")
                .hasMessageContaining("'test.unregistered.v1-value'")
                .hasMessageContaining("auto-registration is off");
        assertThat(strict.registry().subjects()).doesNotContain("test.unregistered.v1-value");
    }

    @Test
    void shouldUseTheRegisteredSchemaWhenAutoRegisterIsOff() throws Exception {
        String topic = "test.preregistered.v1";
        SpecificRecord event = SampleEvents.full().get(6).event();
        // As CI would register it: the schema of the .avsc file, without Java-specific properties.
        int id = new SchemaRegistryClient(registry.ccompatUrl()).register(topic + "-value", PortableSchema.of(event.getSchema()));
        ConfluentEventSerde strict = new ConfluentEventSerde(new SchemaRegistryClient(registry.ccompatUrl()), false);

        byte[] payload = strict.serialize(topic, event);

        assertThat(ByteBuffer.wrap(payload, 1, 4).getInt()).isEqualTo(id);
        assertThat(strict.deserialize(topic, payload, StageProgress.class)).isEqualTo(event);
    }

    @Test
    void shouldReadEventsWrittenWithAnOlderSchemaUsingTheReaderDefaults() throws Exception {
        // StageProgress as it might have been before 'message' was added.
        Schema older = SchemaBuilder.record("StageProgress").namespace("dev.idstream.events").fields()
                .requiredString("requestId").requiredString("traceparent")
                .name("createdAt").type(org.apache.avro.LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
                .requiredString("stage").requiredInt("step").requiredInt("totalSteps")
                .endRecord();
        int id = new SchemaRegistryClient(registry.ccompatUrl()).register("test.older.v1-value", older);
        GenericRecord old = new GenericData.Record(older);
        old.put("requestId", "r-9");
        old.put("traceparent", "tp");
        old.put("createdAt", 1_000L);
        old.put("stage", "denoise");
        old.put("step", 2);
        old.put("totalSteps", 8);

        StageProgress read = serde.deserialize("test.older.v1", frame(id, older, old), StageProgress.class);

        assertThat(read.getRequestId()).isEqualTo("r-9");
        assertThat(read.getCreatedAt()).isEqualTo(Instant.ofEpochMilli(1_000L));
        assertThat(read.getStep()).isEqualTo(2);
        assertThat(read.getMessage()).isNull();
    }

    @Test
    void shouldRejectAnEmptyPayload() {
        assertThatThrownBy(() -> serde.deserialize(Topics.FACES, new byte[0], FaceDetected.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("the payload is empty");
    }

    @Test
    void shouldRejectAPayloadShorterThanTheHeader() {
        assertThatThrownBy(() -> serde.deserialize(Topics.FACES, new byte[] {0, 0, 1}, FaceDetected.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("only 3 byte(s) long");
    }

    @Test
    void shouldRejectAnUnknownMagicByteAndShowIt() {
        byte[] json = "{\"requestId\":\"r-1\"}".getBytes();

        assertThatThrownBy(() -> serde.deserialize(Topics.FACES, json, FaceDetected.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("unknown magic byte 0x7b ('{')");
    }

    @Test
    void shouldRejectAnUnknownSchemaIdAndShowIt() {
        byte[] payload = {0, 0x3b, (byte) 0x9a, (byte) 0xca, 0x00, 2, 'x'};

        assertThatThrownBy(() -> serde.deserialize(Topics.FACES, payload, FaceDetected.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("unknown schema id 1000000000")
                .hasCauseInstanceOf(UnknownSchemaIdException.class);
    }

    @Test
    void shouldRejectATruncatedBody() {
        SampleEvents.Sample sample = SampleEvents.full().get(1);
        byte[] payload = serde.serialize(sample.topic(), sample.event());
        byte[] truncated = Arrays.copyOf(payload, payload.length - 7);

        assertThatThrownBy(() -> serde.deserialize(sample.topic(), truncated, FaceDetected.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("FaceDetected on idstream.faces.v1")
                .hasMessageContaining("is truncated or corrupt");
    }

    @Test
    void shouldRejectACorruptBody() {
        SampleEvents.Sample sample = SampleEvents.full().get(1);
        byte[] payload = serde.serialize(sample.topic(), sample.event());
        // The first field is a string: a huge negative length varint cannot be a valid length.
        byte[] corrupt = Arrays.copyOf(payload, payload.length);
        corrupt[5] = (byte) 0x81;
        corrupt[6] = (byte) 0xff;
        corrupt[7] = (byte) 0xff;
        corrupt[8] = (byte) 0xff;
        corrupt[9] = (byte) 0x0f;

        assertThatThrownBy(() -> serde.deserialize(sample.topic(), corrupt, FaceDetected.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("is truncated or corrupt");
    }

    @Test
    void shouldRejectBytesLeftOverAfterTheRecord() {
        SampleEvents.Sample sample = SampleEvents.full().get(6);
        byte[] payload = serde.serialize(sample.topic(), sample.event());
        byte[] padded = Arrays.copyOf(payload, payload.length + 3);

        assertThatThrownBy(() -> serde.deserialize(sample.topic(), padded, StageProgress.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("bytes left over");
    }

    @Test
    void shouldRejectAnEventWrittenWithAnIncompatibleSchemaAndSayWhy() {
        SampleEvents.Sample progress = SampleEvents.full().get(6);
        byte[] payload = serde.serialize(Topics.FACES, progress.event());

        assertThatThrownBy(() -> serde.deserialize(Topics.FACES, payload, FaceDetected.class))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("dev.idstream.events.StageProgress")
                .hasMessageContaining("which dev.idstream.events.FaceDetected cannot read")
                .hasMessageContaining("NAME_MISMATCH");
    }

    @Test
    void shouldRoundTripThroughKafkaAdaptersConfiguredLikeConfluentsSerializers() {
        SampleEvents.Sample sample = SampleEvents.full().get(1);
        Map<String, Object> config = Map.of("schema.registry.url", registry.ccompatUrl(), "auto.register.schemas", "true",
                "idstream.event.type", FaceDetected.class.getName());
        try (EventSerializer<FaceDetected> serializer = new EventSerializer<>();
             EventDeserializer<FaceDetected> deserializer = new EventDeserializer<>()) {
            serializer.configure(config, false);
            deserializer.configure(config, false);

            byte[] payload = serializer.serialize(sample.topic(), (FaceDetected) sample.event());

            assertThat(deserializer.deserialize(sample.topic(), payload)).isEqualTo(sample.event());
            assertThat(serializer.serialize(sample.topic(), null)).isNull();
            assertThat(deserializer.deserialize(sample.topic(), (byte[]) null)).isNull();
        }
    }

    @Test
    void shouldRoundTripThroughAKafkaStreamsSerde() {
        SampleEvents.Sample sample = SampleEvents.full().get(8);
        try (Serde<MetricsSummary> kafkaSerde = EventSerdes.of(serde, MetricsSummary.class)) {
            byte[] payload = kafkaSerde.serializer().serialize(sample.topic(), (MetricsSummary) sample.event());

            assertThat(kafkaSerde.deserializer().deserialize(sample.topic(), payload)).isEqualTo(sample.event());
        }
    }

    @Test
    void shouldReportAnUnreadablePayloadAsAKafkaSerializationException() {
        EventDeserializer<FaceDetected> deserializer = new EventDeserializer<>(serde, FaceDetected.class);

        assertThatThrownBy(() -> deserializer.deserialize(Topics.FACES, new byte[] {1, 2, 3, 4, 5, 6}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown magic byte 0x01")
                .hasCauseInstanceOf(UnreadableEventException.class);
    }

    @Test
    void shouldNameTheMissingSettingWhenAKafkaAdapterIsMisconfigured() {
        EventDeserializer<FaceDetected> deserializer = new EventDeserializer<>();
        Map<String, Object> withoutType = Map.of("schema.registry.url", registry.ccompatUrl());

        assertThatThrownBy(() -> deserializer.configure(withoutType, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'idstream.event.type'");
        assertThatThrownBy(() -> new EventSerializer<>().configure(Map.of(), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'schema.registry.url' is missing");
    }

    static byte[] frame(int id, Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
