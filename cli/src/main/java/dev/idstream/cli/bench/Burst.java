package dev.idstream.cli.bench;

import dev.idstream.cli.EmbeddedPipeline;
import dev.idstream.cli.RequestClient;
import dev.idstream.core.artifacts.S3ArtifactStore;
import dev.idstream.core.config.StageConfig;
import dev.idstream.core.serde.ConfluentEventSerde;
import dev.idstream.events.ArtifactRef;
import dev.idstream.events.GenerationParams;
import dev.idstream.events.GenerationRequested;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;

/**
 * N tiny requests published at once, the way {@code submit} does it (upload, then publish {@code GenerationRequested}),
 * followed until every one has its {@code VideoMetrics}. The request ids are chosen so that each input partition
 * gets the same share: which replica owns which partition then decides the split, not chance.
 */
final class Burst implements AutoCloseable {

    static final String PROMPT = "a person smiling and turning their head, soft daylight";
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    /** Warm-up requests per partition, so that every instance runs its model sessions before the timed burst. */
    private static final int WARM_UP_PER_PARTITION = 1;

    /**
     * One timed burst.
     *
     * @param stageWork per stage: inputs and step seconds, summed over its instances
     * @param processedByInstance inputs each instance committed (registered name → count)
     * @param cpuSecondsPerRequest CPU time of this JVM (stages, broker, S3 server, client) over the burst, per request:
     *     what a request costs, which other jobs on the machine change much less than they change the wall time
     */
    record Result(int replicas, int requests, double seconds, double p50Seconds, double p90Seconds, double cpuSecondsPerRequest, String load,
            Map<String, StageCounters> stageWork, Map<String, Integer> processedByInstance) {

        double requestsPerSecond() {
            return requests / seconds;
        }

        /** Cores this JVM had on average during the burst: on a shared machine, the share it got. */
        double coresUsed() {
            return cpuSecondsPerRequest * requests / seconds;
        }

        String describe() {
            StringBuilder stages = new StringBuilder();
            stageWork.forEach((stage, c) -> stages.append(String.format(" %s %.0f ms,", stage,
                    c.processed() == 0 ? 0 : 1000 * c.stepSeconds() / c.processed())));
            return String.format("%d requests in %.2f s: %.2f requests/s; latency p50 %.2f s, p90 %.2f s; %.2f CPU s per request (%.2f cores busy);"
                            + " load %s%n  mean step per input:%s%n  inputs per instance: %s",
                    requests, seconds, requestsPerSecond(), p50Seconds, p90Seconds, cpuSecondsPerRequest, coresUsed(), load,
                    stages.substring(0, stages.length() - 1), processedByInstance);
        }
    }

    private final S3ArtifactStore artifacts;
    private final RequestClient client;
    private final Path image;
    private long seed;

    Burst(EmbeddedPipeline pipeline, Path image) throws Exception {
        StageConfig config = pipeline.config();
        this.artifacts = S3ArtifactStore.open(config.s3());
        this.client = new RequestClient(config.kafka().clientConfig(), new ConfluentEventSerde(config.registry()), artifacts);
        this.image = image;
    }

    /** Requests on every partition, followed to their end; nothing is timed. */
    void warmUp() throws Exception {
        publishAndAwait(requestIds(WARM_UP_PER_PARTITION * EmbeddedPipeline.PARTITIONS));
    }

    Result run(int requests, List<String> stages, StageReplicas replicas) throws Exception {
        Map<String, StageCounters> before = scrape(stages, replicas);
        long cpuBefore = processCpuNanos();
        Timings t = publishAndAwait(requestIds(requests));
        double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
        Map<String, StageCounters> after = scrape(stages, replicas);

        Map<String, StageCounters> stageWork = new LinkedHashMap<>();
        Map<String, Integer> processedByInstance = new LinkedHashMap<>();
        after.forEach((instance, counters) -> {
            StageCounters done = counters.minus(before.get(instance));
            processedByInstance.put(instance, (int) Math.round(done.processed()));
            String stage = instance.contains("#") ? instance.substring(0, instance.indexOf('#')) : instance;
            stageWork.merge(stage, done, StageCounters::plus);
        });
        double[] latencies = t.latencySeconds();
        Arrays.sort(latencies);
        return new Result(replicas.replicas(), requests, t.seconds(), HopBenchmark.percentile(latencies, 50),
                HopBenchmark.percentile(latencies, 90), cpuSeconds / requests, BenchSupport.loadAverage(), stageWork, processedByInstance);
    }

    /** @param seconds first publish to last completion; latencies are publish to metrics, per request */
    private record Timings(double seconds, double[] latencySeconds) {}

    private Timings publishAndAwait(List<String> ids) throws Exception {
        List<GenerationRequested> requests = new ArrayList<>();
        for (String id : ids) {
            ArtifactRef reference = client.upload(id, image);
            requests.add(client.request(id, reference, GenerationParams.newBuilder().setPrompt(PROMPT).setSeed(seed++).build()));
        }
        Map<String, Long> completedAt = new ConcurrentHashMap<>();
        try (RequestClient.Follower follower = client.follower()) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (GenerationRequested request : requests) {
                sent.add(client.publishAsync(request));
            }
            Map<String, Long> publishedAt = new LinkedHashMap<>();
            for (int i = 0; i < sent.size(); i++) {
                publishedAt.put(ids.get(i), sent.get(i).get().timestamp());
            }
            Map<String, RequestClient.Outcome> outcomes = follower.awaitAll(ids, TIMEOUT,
                    o -> completedAt.put(o.requestId(), System.currentTimeMillis()));
            List<String> problems = new ArrayList<>();
            for (String id : ids) {
                RequestClient.Outcome o = outcomes.get(id);
                if (o == null) {
                    problems.add(id + ": no outcome within " + TIMEOUT.toMinutes() + " min");
                } else if (!o.succeeded()) {
                    problems.add(id + ": failed in " + o.failure().getStage() + ": " + o.failure().getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(problems.size() + " of " + ids.size() + " requests did not finish:\n  "
                        + String.join("\n  ", problems));
            }
            long first = publishedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            long last = completedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            double[] latencies = ids.stream().mapToDouble(id -> (completedAt.get(id) - publishedAt.get(id)) / 1000.0).toArray();
            return new Timings((last - first) / 1000.0, latencies);
        }
    }

    /** {@code count} fresh request ids, round-robin over the partitions of the requests topic. */
    static List<String> requestIds(int count) {
        List<String> ids = new ArrayList<>();
        while (ids.size() < count) {
            String id = RequestClient.newRequestId();
            if (partitionOf(id) == ids.size() % EmbeddedPipeline.PARTITIONS) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The producer's default partitioner for a keyed record: murmur2 of the key bytes. */
    static int partitionOf(String requestId) {
        return Utils.toPositive(Utils.murmur2(requestId.getBytes(StandardCharsets.UTF_8))) % EmbeddedPipeline.PARTITIONS;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static Map<String, StageCounters> scrape(List<String> stages, StageReplicas replicas) throws Exception {
        Map<String, StageCounters> counters = new LinkedHashMap<>();
        for (String stage : stages) {
            for (String instance : replicas.instances(stage)) {
                counters.put(instance, StageCounters.scrape(replicas.httpPort(instance)));
            }
        }
        return counters;
    }

    @Override
    public void close() {
        client.close();
        artifacts.close();
    }
}
