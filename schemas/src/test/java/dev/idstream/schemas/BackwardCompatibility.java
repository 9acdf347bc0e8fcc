package dev.idstream.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;

/** BACKWARD compatibility: each current schema can read data written with its released version. */
final class BackwardCompatibility {

    /** One line per broken schema, naming it and each incompatibility; empty when all are compatible. */
    static List<String> problems(Map<String, Schema> released, Map<String, Schema> current) {
        List<String> problems = new ArrayList<>();
        released.forEach((name, releasedSchema) -> {
            Schema currentSchema = current.get(name);
            if (currentSchema == null) {
                problems.add(name + ": released, but no current schema has this name (removed or renamed)");
                return;
            }
            SchemaCompatibilityResult result =
                    SchemaCompatibility.checkReaderWriterCompatibility(currentSchema, releasedSchema).getResult();
            if (result.getCompatibility() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                problems.add(name + ": the current schema cannot read data written with the released one: "
                        + result.getIncompatibilities().stream()
                                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                                .collect(Collectors.joining("; ")));
            }
        });
        return problems;
    }

    private BackwardCompatibility() {}
}
