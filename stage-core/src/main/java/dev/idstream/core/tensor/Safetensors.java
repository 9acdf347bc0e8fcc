package dev.idstream.core.tensor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The safetensors format (huggingface/safetensors), so numpy and torch users can read our tensors:
 * an 8-byte little-endian header length N, N bytes of JSON header ({@code {"name": {"dtype", "shape",
 * "data_offsets": [begin, end]}, ..., "__metadata__": {string: string}}}) padded with spaces to a multiple of 8,
 * then the tensors' little-endian row-major bytes; offsets are relative to the end of the header.
 *
 * <p>Writing is deterministic (tensors sorted by name, compact JSON), so equal tensors give equal bytes and equal
 * sha256. Reading is strict, as the reference implementation: header length within bounds and at most
 * {@value #MAX_HEADER_BYTES} bytes, known dtypes only, sizes that match dtype × shape, and offsets that cover the
 * data exactly once, in order, without gaps or overlaps. Anything else is a {@link SafetensorsFormatException}.
 */
public final class Safetensors {

    /** The reference implementation's limit: a larger header is refused before it is read. */
    public static final int MAX_HEADER_BYTES = 100_000_000;

    public static final String CONTENT_TYPE = "application/x-safetensors";

    private static final String METADATA_KEY = "__metadata__";
    private static final Set<String> TENSOR_FIELDS = Set.of("dtype", "shape", "data_offsets");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Safetensors() {}

    /** A parsed file: tensors by name (in data order) and the free-form string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    public static byte[] write(Map<String, Tensor> tensors) {
        return write(tensors, Map.of());
    }

    public static byte[] write(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(tensors, metadata, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    public static void write(Map<String, Tensor> tensors, Map<String, String> metadata, OutputStream out)
            throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        byte[] header = header(sorted, new TreeMap<>(metadata));
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(length.array());
        out.write(header);
        WritableByteChannel channel = Channels.newChannel(out);
        for (Tensor tensor : sorted.values()) {
            ByteBuffer data = tensor.data();
            while (data.hasRemaining()) {
                channel.write(data);
            }
        }
        out.flush();
    }

    private static byte[] header(Map<String, Tensor> sortedTensors, Map<String, String> sortedMetadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!sortedMetadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            sortedMetadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sortedTensors.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
            }
            Tensor tensor = e.getValue();
            ObjectNode info = root.putObject(e.getKey());
            info.put("dtype", tensor.dtype().name());
            ArrayNode shape = info.putArray("shape");
            for (long dim : tensor.shape()) {
                shape.add(dim);
            }
            long end = offset + tensor.byteSize();
            info.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8; // 8 + header is then a multiple of 8, so data starts aligned
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    /**
     * Parses a whole file. The tensors are read-only views of {@code file} (no copy): do not change it afterwards.
     */
    public static Contents read(byte[] file) {
        if (file.length < 8) {
            throw new SafetensorsFormatException("not a safetensors file: " + file.length
                    + " bytes, shorter than the 8-byte header length");
        }
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException("not a safetensors file: header length " + Long.toUnsignedString(headerLength)
                    + " is outside 2.." + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLength > file.length - 8L) {
            throw new SafetensorsFormatException("truncated safetensors file: header length is " + headerLength
                    + " bytes but only " + (file.length - 8L) + " bytes follow");
        }
        int dataStart = 8 + (int) headerLength;
        ParsedHeader header = parseHeader(new String(file, 8, (int) headerLength, StandardCharsets.UTF_8));
        long dataLength = file.length - (long) dataStart;
        checkOffsets(header.entries, dataLength);

        ByteBuffer all = ByteBuffer.wrap(file).asReadOnlyBuffer();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry entry : header.entries) {
            ByteBuffer slice = all.slice(dataStart + (int) entry.begin, (int) (entry.end - entry.begin));
            tensors.put(entry.name, new Tensor(entry.dtype, entry.shape, slice));
        }
        return new Contents(tensors, header.metadata);
    }

    private record Entry(String name, Tensor.DType dtype, long[] shape, long begin, long end) {}

    private record ParsedHeader(List<Entry> entries, Map<String, String> metadata) {}

    private static ParsedHeader parseHeader(String text) {
        if (!text.startsWith("{")) {
            throw new SafetensorsFormatException("invalid safetensors header: it must be a JSON object starting with '{'");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException("invalid safetensors header: malformed JSON ("
                    + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsFormatException("invalid safetensors header: it must be a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(field.getValue());
            } else {
                entries.add(parseEntry(field.getKey(), field.getValue()));
            }
        }
        return new ParsedHeader(entries, metadata);
    }

    private static Map<String, String> parseMetadata(JsonNode node) {
        if (!node.isObject()) {
            throw new SafetensorsFormatException("invalid safetensors header: " + METADATA_KEY + " must be an object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new SafetensorsFormatException("invalid safetensors header: " + METADATA_KEY + " value of '"
                        + e.getKey() + "' must be a string");
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return metadata;
    }

    private static Entry parseEntry(String name, JsonNode node) {
        String where = "invalid safetensors header: tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafetensorsFormatException(where + " must be an object with dtype, shape and data_offsets");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!TENSOR_FIELDS.contains(field)) {
                throw new SafetensorsFormatException(where + " has an unknown field '" + field + "'");
            }
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsFormatException(where + " has no dtype string");
        }
        Tensor.DType dtype = Arrays.stream(Tensor.DType.values())
                .filter(d -> d.name().equals(dtypeNode.textValue()))
                .findFirst()
                .orElseThrow(() -> new SafetensorsFormatException(where + " has dtype " + dtypeNode.textValue()
                        + ", supported are " + Arrays.toString(Tensor.DType.values())));
        long[] shape = nonNegativeLongs(node.get("shape"), where + " shape", -1);
        long[] offsets = nonNegativeLongs(node.get("data_offsets"), where + " data_offsets", 2);
        if (offsets[1] < offsets[0]) {
            throw new SafetensorsFormatException(where + " data_offsets " + Arrays.toString(offsets) + " end before they begin");
        }
        long expected;
        try {
            expected = Math.multiplyExact(Tensor.elementCount(shape), dtype.byteSize());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new SafetensorsFormatException(where + " shape " + Arrays.toString(shape) + " is too large", e);
        }
        if (offsets[1] - offsets[0] != expected) {
            throw new SafetensorsFormatException(where + " is " + dtype + " " + Arrays.toString(shape) + " = " + expected
                    + " bytes, but data_offsets " + Arrays.toString(offsets) + " span " + (offsets[1] - offsets[0]));
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] nonNegativeLongs(JsonNode node, String what, int requiredLength) {
        if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw new SafetensorsFormatException(what + " must be an array of "
                    + (requiredLength >= 0 ? requiredLength + " " : "") + "non-negative integers");
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafetensorsFormatException(what + " must hold non-negative integers, found " + v);
            }
            values[i] = v.longValue();
        }
        return values;
    }

    /** The tensors must tile the data area exactly: sorted by offset, each begins where the previous ended. */
    private static void checkOffsets(List<Entry> entries, long dataLength) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expectedBegin = 0;
        for (Entry e : byOffset) {
            if (e.begin != expectedBegin) {
                throw new SafetensorsFormatException("invalid safetensors file: tensor '" + e.name + "' begins at byte "
                        + e.begin + " of the data, expected " + expectedBegin
                        + (e.begin < expectedBegin ? " (it overlaps the previous tensor)" : " (gap before it)"));
            }
            expectedBegin = e.end;
        }
        if (expectedBegin != dataLength) {
            throw new SafetensorsFormatException("invalid safetensors file: the header describes " + expectedBegin
                    + " data bytes but the file holds " + dataLength);
        }
    }
}
