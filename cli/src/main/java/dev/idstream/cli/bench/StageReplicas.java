package dev.idstream.cli.bench;

import dev.idstream.cli.EmbeddedPipeline;
import dev.idstream.core.runtime.StageHealth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scales the stages of an embedded pipeline to R instances each (R ≤ the partitions, so no instance sits idle) and
 * waits until every instance owns input partitions. Replica 1 of each stage is the pipeline's own; this class starts
 * and stops the others.
 */
final class StageReplicas {

    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);

    private final EmbeddedPipeline pipeline;
    private final List<String> stages;
    private int replicas = 1;

    StageReplicas(EmbeddedPipeline pipeline, List<String> stages) {
        this.pipeline = pipeline;
        this.stages = List.copyOf(stages);
    }

    static void requireValid(int replicas) {
        if (replicas < 1 || replicas > EmbeddedPipeline.PARTITIONS) {
            throw new IllegalArgumentException("replicas per stage must be 1 to " + EmbeddedPipeline.PARTITIONS
                    + " (the topics' partitions; a further consumer would own none), got " + replicas);
        }
    }

    /** Starts or stops replicas until every stage runs {@code target} instances, then waits for the rebalance. */
    void scaleTo(int target) throws Exception {
        requireValid(target);
        for (String stage : stages) {
            for (int r = replicas + 1; r <= target; r++) {
                pipeline.startReplica(stage, r, Map.of());
            }
            for (int r = replicas; r > target; r--) {
                pipeline.stopStage(EmbeddedPipeline.replicaName(stage, r));
            }
        }
        replicas = target;
        awaitBalanced();
    }

    int replicas() {
        return replicas;
    }

    /** The registered names of the instances of {@code stage} now running, replica 1 first. */
    List<String> instances(String stage) {
        List<String> names = new ArrayList<>();
        for (int r = 1; r <= replicas; r++) {
            names.add(EmbeddedPipeline.replicaName(stage, r));
        }
        return names;
    }

    /** Port of the instance's {@code /metrics} endpoint. */
    int httpPort(String instance) {
        return pipeline.runner(instance).httpPort();
    }

    /** Until each stage's instances together own all its input partitions and each owns at least one. */
    private void awaitBalanced() throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        List<String> unsettled = unsettled();
        while (!unsettled.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the consumer groups did not settle within " + SETTLE_TIMEOUT.toSeconds() + " s: "
                        + String.join("; ", unsettled));
            }
            Thread.sleep(100);
            unsettled = unsettled();
        }
    }

    private List<String> unsettled() {
        List<String> problems = new ArrayList<>();
        for (String stage : stages) {
            int total = 0;
            boolean everyInstanceOwnsSome = true;
            List<String> owned = new ArrayList<>();
            for (String instance : instances(stage)) {
                StageHealth health = pipeline.runner(instance).health();
                total += health.assignedPartitions();
                everyInstanceOwnsSome &= health.assignedPartitions() > 0;
                owned.add(instance + "=" + health.assignedPartitions() + " (" + health.state() + ")");
            }
            if (total != EmbeddedPipeline.PARTITIONS || !everyInstanceOwnsSome) {
                problems.add(String.join(", ", owned));
            }
        }
        return problems;
    }
}
