package dev.idstream.core.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The schema as registered: without the {@code avro.java.string} properties that Java code generation adds
 * ({@code stringType=String}). They mean nothing to other languages, and leaving them out keeps the registered schema
 * equal to the .avsc files, so a schema registered by CI or a JavaScript producer is found by a Java lookup and does not
 * become a second version. (Confluent's Java serializer has the same switch: {@code avro.remove.java.properties}.)
 */
final class PortableSchema {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JAVA_STRING_PROPERTY = "avro.java.string";
    private static final Map<Schema, Schema> CACHE = new ConcurrentHashMap<>();

    static Schema of(Schema schema) {
        return CACHE.computeIfAbsent(schema, PortableSchema::strip);
    }

    private static Schema strip(Schema schema) {
        String json = schema.toString();
        if (!json.contains(JAVA_STRING_PROPERTY)) {
            return schema;
        }
        try {
            JsonNode tree = JSON.readTree(json);
            removeJavaProperties(tree);
            return new Schema.Parser().parse(tree.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite schema " + schema.getFullName(), e);
        }
    }

    private static void removeJavaProperties(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(JAVA_STRING_PROPERTY);
        }
        node.forEach(PortableSchema::removeJavaProperties);
    }

    private PortableSchema() {}
}
