package dev.idstream.core.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A small client of the Confluent Schema Registry REST API (Confluent's own registry, or Apicurio's
 * {@code /apis/ccompat/v7}). Thread-safe. Schema ids and schemas never change once assigned, so both are cached for the
 * life of the client: after the first event of a type, serialising and deserialising make no registry calls.
 */
public final class SchemaRegistryClient {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Confluent error codes this client tells apart. */
    static final int SUBJECT_NOT_FOUND = 40401;
    static final int SCHEMA_NOT_FOUND = 40403;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, DEFAULT_TIMEOUT);
    }

    public SchemaRegistryClient(String baseUrl, Duration timeout) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("Schema Registry URL is missing");
        }
        URI uri = URI.create(baseUrl);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("Schema Registry URL must be http(s)://..., got '" + baseUrl + "'");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Registers the schema under the subject (a no-op returning the existing id if it is there already). */
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("Schema Registry at " + baseUrl + " registered " + schema.getFullName()
                    + " under '" + subject + "' but returned no id: " + answer, 200, 0);
        }
        idsBySubjectSchema.put(key, id);
        return id;
    }

    /**
     * Finds the id of a schema already registered under the subject.
     *
     * @throws SchemaNotRegisteredException if the subject does not exist or does not hold this schema
     */
    public int lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer;
        try {
            answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SUBJECT_NOT_FOUND || e.errorCode() == SCHEMA_NOT_FOUND || e.status() == 404) {
                throw new SchemaNotRegisteredException("schema " + schema.getFullName() + " is not registered under subject '"
                        + subject + "' at " + baseUrl + " (auto-registration is off: register it first, e.g. in CI)."
                        + " Registry said: " + e.getMessage(), e.status(), e.errorCode());
            }
            throw e;
        }
        int id = answer.path("id").asInt(-1);
        idsBySubjectSchema.put(key, id);
        return id;
    }

    /**
     * The schema with this id, with its references resolved.
     *
     * @throws UnknownSchemaIdException if the registry has no schema with this id
     */
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer;
        try {
            answer = send("GET", "/schemas/ids/" + id, null);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                throw new UnknownSchemaIdException(id, "schema id " + id + " is unknown to the Schema Registry at " + baseUrl
                        + ": " + e.getMessage(), e.status(), e.errorCode());
            }
            throw e;
        }
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new SchemaRegistryException("schema id " + id + " is a " + type + " schema, not Avro", 200, 0);
        }
        Schema schema = parse(answer, "schema id " + id);
        schemasById.put(id, schema);
        return schema;
    }

    /** The subject's compatibility level (BACKWARD, FULL, NONE, ...), falling back to the registry-wide default. */
    public String compatibility(String subject) {
        return send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null).path("compatibilityLevel").asText();
    }

    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        send("PUT", "/config/" + encode(subject), body);
    }

    /** Whether the schema may be registered as the subject's next version under the subject's compatibility level. */
    public boolean isCompatibleWithLatest(String subject, Schema schema) {
        JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema));
        return answer.path("is_compatible").asBoolean(false);
    }

    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    /** HTTP requests sent so far; shows the caches at work. */
    public long requestsSent() {
        return requests.get();
    }

    private Schema parse(JsonNode answer, String what) {
        Schema.Parser parser = new Schema.Parser();
        addReferences(parser, answer.path("references"), what);
        try {
            return parser.parse(answer.path("schema").asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("the Schema Registry at " + baseUrl + " returned an unparseable Avro schema for "
                    + what + ": " + e.getMessage(), 200, 0);
        }
    }

    /** Named types that a schema references by name are defined in other subjects; parse those first. */
    private void addReferences(Schema.Parser parser, JsonNode references, String what) {
        for (JsonNode reference : references) {
            String subject = reference.path("subject").asText();
            String version = reference.path("version").asText("latest");
            JsonNode referenced = send("GET", "/subjects/" + encode(subject) + "/versions/" + encode(version), null);
            addReferences(parser, referenced.path("references"), what);
            parser.parse(referenced.path("schema").asText());
        }
    }

    private static ObjectNode schemaBody(Schema schema) {
        // Avro is the default schema type, so it is left out, as Confluent's own clients do.
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
            request.method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        requests.incrementAndGet();
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException("cannot reach the Schema Registry at " + baseUrl + " (" + method + " " + path
                    + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while calling the Schema Registry at " + baseUrl, e);
        }
        JsonNode answer = readJson(response.body());
        if (response.statusCode() / 100 != 2) {
            String message = answer != null && answer.hasNonNull("message") ? answer.get("message").asText() : response.body();
            int errorCode = answer != null ? answer.path("error_code").asInt(0) : 0;
            throw new SchemaRegistryException("Schema Registry at " + baseUrl + " answered " + response.statusCode() + " to "
                    + method + " " + path + ": " + message + (errorCode != 0 ? " (error_code " + errorCode + ")" : ""),
                    response.statusCode(), errorCode);
        }
        if (answer == null) {
            throw new SchemaRegistryException("Schema Registry at " + baseUrl + " answered " + method + " " + path
                    + " with something that is not JSON: " + abbreviate(response.body()), response.statusCode(), 0);
        }
        return answer;
    }

    private static JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record SubjectSchema(String subject, Schema schema) {}
}
