package dev.idstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The build's schema evolution gate: src/main/avro must stay BACKWARD compatible with released/ (see its README). */
class ReleasedSchemasCompatibilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENTS = "dev.idstream.events.";
    static Map<String, Schema> released;
    static Map<String, Schema> current;

    @BeforeAll
    static void load() throws Exception {
        released = SchemaFiles.load(Path.of("released"));
        current = SchemaFiles.load(Path.of("src", "main", "avro"));
    }

    @Test
    void shouldReadDataWrittenWithEveryReleasedSchema() {
        List<String> problems = BackwardCompatibility.problems(released, current);

        assertThat(problems)
                .as("schemas that break BACKWARD compatibility with schemas/released (bump the topic version instead)")
                .isEmpty();
    }

    @Test
    void shouldHaveAReleasedBaselineForEveryEvent() {
        assertThat(released.keySet()).contains(EVENTS + "GenerationRequested", EVENTS + "FaceDetected",
                EVENTS + "TokensFused", EVENTS + "LatentsDenoised", EVENTS + "VideoDecoded", EVENTS + "VideoMetrics",
                EVENTS + "MetricsSummary", EVENTS + "StageProgress", EVENTS + "StageFailed", EVENTS + "RequestStatus");
    }

    @Test
    void shouldCheckTheSchemasTheBuildCompiles() {
        // The generated classes add "avro.java.string" properties; the canonical form leaves them (and docs) out.
        current.forEach((name, schema) -> {
            Schema compiled = SpecificData.get().getSchema(SpecificData.get().getClass(schema));
            assertThat(SchemaNormalization.toParsingForm(compiled)).as(name).isEqualTo(SchemaNormalization.toParsingForm(schema));
        });
    }

    @Test
    void shouldReportANewFieldWithoutDefault() throws Exception {
        Map<String, Schema> changed = withChange("StageProgress",
                record -> fields(record).addObject().put("name", "etaSeconds").put("type", "int"));

        assertThat(BackwardCompatibility.problems(released, changed)).singleElement().asString()
                .startsWith(EVENTS + "StageProgress: the current schema cannot read data written with the released one")
                .contains("READER_FIELD_MISSING_DEFAULT")
                .contains("etaSeconds");
    }

    @Test
    void shouldReportAChangedFieldType() throws Exception {
        Map<String, Schema> changed = withChange("StageProgress",
                record -> ((ObjectNode) fields(record).get(4)).put("type", "string"));

        assertThat(BackwardCompatibility.problems(released, changed)).singleElement().asString()
                .contains(EVENTS + "StageProgress")
                .contains("TYPE_MISMATCH")
                .contains("/fields/4");
    }

    @Test
    void shouldReportARemovedSchema() {
        Map<String, Schema> changed = new LinkedHashMap<>(current);
        changed.remove(EVENTS + "RequestStatus");

        assertThat(BackwardCompatibility.problems(released, changed))
                .containsExactly(EVENTS + "RequestStatus: released, but no current schema has this name (removed or renamed)");
    }

    @Test
    void shouldAcceptANewOptionalFieldWithDefault() throws Exception {
        Map<String, Schema> changed = withChange("GenerationParams", record -> {
            ObjectNode field = fields(record).addObject().put("name", "scheduler");
            field.putArray("type").add("null").add("string");
            field.putNull("default");
        });

        assertThat(changed.get(EVENTS + "GenerationParams").getField("scheduler")).isNotNull();
        assertThat(BackwardCompatibility.problems(released, changed)).isEmpty();
    }

    /** The current schemas with one record edited; it is parsed against the shared types it may refer to. */
    private static Map<String, Schema> withChange(String name, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode record = (ObjectNode) JSON.readTree(current.get(EVENTS + name).toString());
        edit.accept(record);
        Schema.Parser parser = new Schema.Parser().addTypes(List.of(current.get(EVENTS + "ArtifactRef")));
        Map<String, Schema> changed = new LinkedHashMap<>(current);
        changed.put(EVENTS + name, parser.parse(record.toString()));
        return changed;
    }

    private static ArrayNode fields(ObjectNode record) {
        return (ArrayNode) record.get("fields");
    }
}
