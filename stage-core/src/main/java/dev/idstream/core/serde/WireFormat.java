package dev.idstream.core.serde;

import java.nio.ByteBuffer;

/** The Confluent framing: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro binary body. */
final class WireFormat {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_LENGTH = 5;

    static byte[] frame(int schemaId, byte[] body, int bodyLength) {
        return ByteBuffer.allocate(HEADER_LENGTH + bodyLength)
                .put(MAGIC_BYTE)
                .putInt(schemaId)
                .put(body, 0, bodyLength)
                .array();
    }

    /** Checks the framing and returns the schema id. */
    static int schemaId(byte[] payload) throws UnreadableEventException {
        if (payload == null || payload.length == 0) {
            throw new UnreadableEventException("the payload is empty; an event needs at least " + HEADER_LENGTH
                    + " bytes (magic byte 0 + 4-byte schema id) followed by the Avro body");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new UnreadableEventException("unknown magic byte " + describe(payload[0]) + " at the start of the payload;"
                    + " the Confluent wire format starts with 0x00 (was this written by a different serializer?)");
        }
        if (payload.length < HEADER_LENGTH) {
            throw new UnreadableEventException("the payload is only " + payload.length + " byte(s) long; an event needs at least "
                    + HEADER_LENGTH + " (magic byte 0 + 4-byte schema id) followed by the Avro body");
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }

    private static String describe(byte b) {
        String hex = String.format("0x%02x", b & 0xff);
        return b >= 0x20 && b < 0x7f ? hex + " ('" + (char) b + "')" : hex;
    }

    private WireFormat() {}
}
