package dev.idstream.core.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Events as plain JSON, the shape Confluent's JavaScript client (avsc) uses: unions unwrapped, enums as strings,
 * longs and timestamp-millis as numbers, floats as the double they widen to. Plus a field-by-field comparison.
 */
final class EventJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static JsonNode toJson(IndexedRecord record) {
        return value(record.getSchema(), record);
    }

    private static JsonNode value(Schema schema, Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                ObjectNode node = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    node.set(field.name(), value(field.schema(), record.get(field.pos())));
                }
                return node;
            }
            case UNION -> {
                Schema branch = schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
                return value(branch, value);
            }
            case ARRAY -> {
                ArrayNode node = NODES.arrayNode();
                for (Object item : (Iterable<?>) value) {
                    node.add(value(schema.getElementType(), item));
                }
                return node;
            }
            case MAP -> {
                ObjectNode node = NODES.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> node.set(k.toString(), value(schema.getValueType(), v)));
                return node;
            }
            case ENUM, STRING -> {
                return NODES.textNode(value.toString());
            }
            case INT -> {
                return NODES.numberNode((Integer) value);
            }
            case LONG -> {
                long number = value instanceof Instant instant ? instant.toEpochMilli() : (Long) value;
                return NODES.numberNode(number);
            }
            case FLOAT -> {
                return NODES.numberNode((double) (Float) value);
            }
            case DOUBLE -> {
                return NODES.numberNode((Double) value);
            }
            case BOOLEAN -> {
                return NODES.booleanNode((Boolean) value);
            }
            default -> throw new IllegalArgumentException("no JSON view for Avro type " + schema.getType());
        }
    }

    /** Paths where the two differ, e.g. {@code $.params.guidanceScale: expected 0.1 but was 0.2}; empty when equal. */
    static List<String> differences(JsonNode expected, JsonNode actual) {
        List<String> differences = new ArrayList<>();
        compare("$", expected, actual, differences);
        return differences;
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, List<String> differences) {
        if (expected.isNumber() && actual.isNumber()) {
            // JSON does not keep int vs double apart (JavaScript prints 100.0 as 100); the value must match exactly.
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                differences.add(path + ": expected " + expected + " but was " + actual);
            }
        } else if (expected.isObject() && actual.isObject()) {
            List<String> expectedNames = names(expected);
            List<String> actualNames = names(actual);
            if (!expectedNames.stream().sorted().toList().equals(actualNames.stream().sorted().toList())) {
                differences.add(path + ": expected fields " + expectedNames + " but was " + actualNames);
                return;
            }
            expectedNames.forEach(name -> compare(path + "." + name, expected.get(name), actual.get(name), differences));
        } else if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                differences.add(path + ": expected " + expected.size() + " items but was " + actual.size());
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                compare(path + "[" + i + "]", expected.get(i), actual.get(i), differences);
            }
        } else if (!expected.equals(actual)) {
            differences.add(path + ": expected " + expected + " but was " + actual);
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private EventJson() {}
}
