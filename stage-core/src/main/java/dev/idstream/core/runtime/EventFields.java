package dev.idstream.core.runtime;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The envelope fields every event carries (DESIGN.md §2), read and written by name so the runtime serves any
 * event type without knowing it.
 */
final class EventFields {

    static final String REQUEST_ID = "requestId";
    static final String TRACEPARENT = "traceparent";

    private EventFields() {}

    static String string(SpecificRecord event, String name) {
        Schema.Field field = event.getSchema().getField(name);
        if (field == null) {
            return null;
        }
        Object value = event.get(field.pos());
        return value == null ? null : value.toString();
    }

    /** Sets a string field when the event's schema has it; other events are left as they are. */
    static void setStringIfPresent(SpecificRecord event, String name, String value) {
        Schema.Field field = event.getSchema().getField(name);
        if (field != null) {
            event.put(field.pos(), value);
        }
    }
}
