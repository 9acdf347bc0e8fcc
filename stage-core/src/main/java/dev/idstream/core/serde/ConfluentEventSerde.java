package dev.idstream.core.serde;

import dev.idstream.core.config.RegistrySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * {@link EventSerde} in the Confluent wire format, byte-compatible with Confluent's serializers. Subjects follow the
 * TopicNameStrategy ({@code <topic>-value}). Events are read with the writer's schema (fetched by id) resolved against
 * the expected type's schema, so a consumer reads events written with older or newer compatible schemas.
 * Schemas are registered without Java-specific properties ({@link PortableSchema}). Thread-safe; schema ids, schemas,
 * readers and writers are cached.
 *
 * <p>Registry faults surface as {@link SchemaRegistryException} (unchecked, usually transient), payloads that can never
 * be read as {@link UnreadableEventException}.
 */
public final class ConfluentEventSerde implements EventSerde {

    private final SchemaRegistryClient registry;
    private final boolean autoRegister;
    private final Map<Schema, DatumWriter<SpecificRecord>> writers = new ConcurrentHashMap<>();
    private final Map<ReaderKey, ReadPlan> readPlans = new ConcurrentHashMap<>();

    public ConfluentEventSerde(RegistrySettings settings) {
        this(new SchemaRegistryClient(settings.url()), settings.autoRegister());
    }

    /**
     * @param autoRegister register an event's schema on first use; when false the schema must already be registered
     *                     under the topic's subject, or serialising fails with {@link SchemaNotRegisteredException}
     */
    public ConfluentEventSerde(SchemaRegistryClient registry, boolean autoRegister) {
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    /** TopicNameStrategy: the subject of a topic's record values. */
    public static String subject(String topic) {
        return topic + "-value";
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    @Override
    public byte[] serialize(String topic, SpecificRecord event) {
        if (event == null) {
            throw new IllegalArgumentException("cannot serialize a null event for topic " + topic);
        }
        Schema schema = event.getSchema();
        String subject = subject(topic);
        Schema registered = PortableSchema.of(schema);
        int id = autoRegister ? registry.register(subject, registered) : registry.lookup(subject, registered);
        DatumWriter<SpecificRecord> writer = writers.computeIfAbsent(schema, s -> newWriter(s, event.getClass()));
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        try {
            writer.write(event, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot serialize " + schema.getName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
        return WireFormat.frame(id, body.toByteArray(), body.size());
    }

    @Override
    public <T extends SpecificRecord> T deserialize(String topic, byte[] payload, Class<T> type) throws UnreadableEventException {
        int id = WireFormat.schemaId(payload);
        ReadPlan plan = readPlans.get(new ReaderKey(id, type));
        if (plan == null) {
            plan = planRead(topic, id, type);
            readPlans.put(new ReaderKey(id, type), plan);
        }
        if (plan.incompatibility() != null) {
            throw new UnreadableEventException(plan.incompatibility());
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(payload, WireFormat.HEADER_LENGTH,
                payload.length - WireFormat.HEADER_LENGTH, null);
        Object event;
        try {
            event = plan.reader().read(null, decoder);
        } catch (IOException | RuntimeException e) {
            // Avro reports bad bytes in many ways: EOF, bad union index, negative lengths, limits exceeded.
            throw new UnreadableEventException("the Avro body of a " + type.getSimpleName() + " on " + topic + " (schema id "
                    + id + ", " + (payload.length - WireFormat.HEADER_LENGTH) + " bytes) is truncated or corrupt: " + e, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new UnreadableEventException("the Avro body of a " + type.getSimpleName() + " on " + topic + " (schema id "
                        + id + ") has bytes left over after the record; the payload is corrupt or was written with another schema");
            }
        } catch (IOException e) {
            throw new UnreadableEventException("cannot read the Avro body of a " + type.getSimpleName() + " on " + topic + ": " + e, e);
        }
        return type.cast(event);
    }

    private <T extends SpecificRecord> ReadPlan planRead(String topic, int id, Class<T> type) throws UnreadableEventException {
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id);
        } catch (UnknownSchemaIdException e) {
            throw new UnreadableEventException("unknown schema id " + id + " in a payload on " + topic
                    + ": the Schema Registry at " + registry.baseUrl() + " has no such schema", e);
        }
        SpecificData model = SpecificData.getForClass(type);
        Schema readerSchema = model.getSchema(type);
        SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema).getResult();
        if (result.getCompatibility() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            String problems = result.getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                    .collect(Collectors.joining("; "));
            return ReadPlan.incompatible("an event on " + topic + " was written with schema id " + id + " ("
                    + writerSchema.getFullName() + "), which " + type.getName() + " cannot read: " + problems);
        }
        return ReadPlan.readable(new SpecificDatumReader<>(writerSchema, readerSchema, model));
    }

    @SuppressWarnings("unchecked")
    private static DatumWriter<SpecificRecord> newWriter(Schema schema, Class<?> type) {
        // The class's own model carries its logical-type conversions (timestamp-millis as Instant).
        return (DatumWriter<SpecificRecord>) (DatumWriter<?>) new SpecificDatumWriter<>(schema, SpecificData.getForClass(type));
    }

    private record ReaderKey(int schemaId, Class<?> type) {}

    /** How to read one writer schema as one type: a reader, or why it cannot be done. */
    private record ReadPlan(DatumReader<?> reader, String incompatibility) {
        static ReadPlan readable(DatumReader<?> reader) {
            return new ReadPlan(reader, null);
        }

        static ReadPlan incompatible(String why) {
            return new ReadPlan(null, why);
        }
    }
}
