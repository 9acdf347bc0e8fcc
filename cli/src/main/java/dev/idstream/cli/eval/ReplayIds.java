package dev.idstream.cli.eval;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Request ids of one replay run: a name-based UUID of (run id, what is replayed), so running the same replay again with
 * the same {@code --run-id} publishes the same ids (and overwrites the same artifact keys) instead of new requests.
 */
public record ReplayIds(String runId) {

    public static ReplayIds newRun() {
        return new ReplayIds(UUID.randomUUID().toString());
    }

    public String requestId(String what) {
        return UUID.nameUUIDFromBytes((runId + "/" + what).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
