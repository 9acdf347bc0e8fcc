package dev.idstream.core.serde;

/** The registry has no schema with the requested id. */
public class UnknownSchemaIdException extends SchemaRegistryException {

    private final int schemaId;

    public UnknownSchemaIdException(int schemaId, String message, int status, int errorCode) {
        super(message, status, errorCode);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}
