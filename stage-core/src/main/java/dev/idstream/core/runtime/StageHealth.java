package dev.idstream.core.runtime;

/**
 * Whether a stage process is doing its job: its loop runs and polled recently (it also polls while a long step runs).
 *
 * @param assignedPartitions input partitions this replica owns now (0 is healthy: a spare replica)
 */
public record StageHealth(boolean up, String stage, String state, int assignedPartitions, long millisSinceLastPoll) {

    String toJson() {
        return "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"stage\":\"" + stage + "\",\"state\":\"" + state
                + "\",\"assignedPartitions\":" + assignedPartitions + ",\"millisSinceLastPoll\":" + millisSinceLastPoll + "}";
    }
}
