package dev.idstream.core.serde;

/** A schema looked up under a subject is not registered there (auto-registration is off). */
public class SchemaNotRegisteredException extends SchemaRegistryException {
    public SchemaNotRegisteredException(String message, int status, int errorCode) {
        super(message, status, errorCode);
    }
}
