package dev.idstream.core.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Reads serde settings from Kafka client configuration, under the keys Confluent's serializers use. */
final class SerdeConfig {

    static final String REGISTRY_URL = "schema.registry.url";
    static final String AUTO_REGISTER = "auto.register.schemas";
    static final String EVENT_TYPE = "idstream.event.type";

    static EventSerde fromKafkaConfig(Map<String, ?> configs) {
        Object url = configs.get(REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException("'" + REGISTRY_URL + "' is missing from the Kafka client configuration");
        }
        Object autoRegister = configs.get(AUTO_REGISTER);
        boolean register = autoRegister == null || Boolean.parseBoolean(autoRegister.toString());
        return new ConfluentEventSerde(new SchemaRegistryClient(url.toString()), register);
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> Class<T> eventType(Map<String, ?> configs) {
        Object configured = configs.get(EVENT_TYPE);
        if (configured instanceof Class<?> c) {
            return checked(c);
        }
        if (configured == null || configured.toString().isBlank()) {
            throw new IllegalArgumentException("'" + EVENT_TYPE + "' (the event class to read, e.g. dev.idstream.events.FaceDetected)"
                    + " is missing from the Kafka client configuration");
        }
        try {
            return checked(Class.forName(configured.toString(), true, Thread.currentThread().getContextClassLoader()));
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("'" + EVENT_TYPE + "' names " + configured + ", which is not on the class path", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> Class<T> checked(Class<?> type) {
        if (!SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("'" + EVENT_TYPE + "' names " + type.getName() + ", which is not an Avro event class");
        }
        return (Class<T>) type;
    }

    private SerdeConfig() {}
}
