package dev.idstream.core.generator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * The byte-level tokenizer of the generator bundle (ByT5's scheme, models/fantasyid/tokenizer.py):
 * {@code ids = [b + byteOffset for b in utf8(text)[:maxLength-1]] + [eos] + [pad] * rest}. A multi-byte character
 * may be cut at the limit; the model sees bytes.
 */
public record ByteTokenizer(int maxLength, int padId, int eosId, int byteOffset) {

    public ByteTokenizer {
        if (maxLength < 1) {
            throw new IllegalArgumentException("tokenizer max_length must be >= 1, got " + maxLength);
        }
    }

    static ByteTokenizer fromJson(JsonNode node) {
        String kind = node.path("kind").asText("");
        if (!"byte".equals(kind)) {
            throw new IllegalArgumentException("the generator bundle's tokenizer kind is '" + kind
                    + "'; only the byte-level tokenizer ('byte') is implemented");
        }
        return new ByteTokenizer(node.path("max_length").asInt(), node.path("pad_id").asInt(),
                node.path("eos_id").asInt(), node.path("byte_offset").asInt());
    }

    public long[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, maxLength - 1);
        long[] ids = new long[maxLength];
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < n; i++) {
            ids[i] = (bytes[i] & 0xff) + byteOffset;
        }
        ids[n] = eosId;
        return ids;
    }
}
