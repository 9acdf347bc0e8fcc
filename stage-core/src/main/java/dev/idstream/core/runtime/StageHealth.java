package dev.idstream.core.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether a stage process is doing its job: its loop runs and polled recently (it also polls while a long step runs).
 *
 * @param state "running", "starting", "stopping", "stopped", "not polling", "not started" or "failed: <error>"
 * @param assignedPartitions input partitions this replica owns now (0 is healthy: a spare replica)
 * @param millisSinceLastPoll -1 when the loop is not running
 */
public record StageHealth(boolean up, String stage, String state, int assignedPartitions, long millisSinceLastPoll) {

    private static final ObjectMapper JSON = new ObjectMapper();

    String toJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("stage", stage);
        body.put("state", state);
        body.put("assignedPartitions", assignedPartitions);
        body.put("millisSinceLastPoll", millisSinceLastPoll);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write health as JSON", e);
        }
    }
}
