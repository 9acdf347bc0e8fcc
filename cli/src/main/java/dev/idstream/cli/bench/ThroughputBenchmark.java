package dev.idstream.cli.bench;

import dev.idstream.cli.EmbeddedPipeline;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput of the whole embedded pipeline (real broker, registry, S3; five stages and the aggregates application)
 * with 1 and 2 instances per stage: bursts of N tiny requests, rounds alternating the replica counts in one pipeline
 * so that a load change on the shared machine hits each alike. Each change of replicas waits for the consumer groups
 * to settle and warms every instance with requests on each of its partitions before the timed burst.
 */
public final class ThroughputBenchmark {

    /**
     * @param replicas the instance counts per stage to compare, each 1 to {@link EmbeddedPipeline#PARTITIONS}
     * @param requests requests per timed burst
     * @param rounds bursts per replica count
     * @param batch the denoise stage's {@code runtime.batch.max.size}
     * @param intraOpThreads every stage instance's {@code onnx.threads.intra.op} (0 = one per core)
     */
    public record Settings(List<Integer> replicas, int requests, int rounds, int batch, int intraOpThreads, Path image) {
        public Settings {
            replicas = List.copyOf(replicas);
            if (replicas.isEmpty()) {
                throw new IllegalArgumentException("give at least one replica count");
            }
            replicas.forEach(StageReplicas::requireValid);
            if (requests < 1 || rounds < 1) {
                throw new IllegalArgumentException("requests and rounds must be at least 1, got " + requests + " and " + rounds);
            }
            if (!Files.isRegularFile(image)) {
                throw new IllegalArgumentException("no such image file: " + image);
            }
        }
    }

    private ThroughputBenchmark() {
    }

    public static void run(Path dataDir, Settings s, PrintStream out) throws Exception {
        List<String> stages = EmbeddedPipeline.everything().stream().filter(n -> !n.equals(EmbeddedPipeline.AGGREGATES)).toList();
        Map<String, String> config = Map.of("runtime.batch.max.size", Integer.toString(s.batch()),
                "onnx.threads.intra.op", Integer.toString(s.intraOpThreads()));
        out.printf("embedded pipeline, %d partitions per topic, %d cores; every stage instance: onnx.threads.intra.op %d;"
                        + " denoise runtime.batch.max.size %d; bursts of %d tiny requests (%s, default request shape, seeds differ);"
                        + " replicas %s, %d rounds; load average before: %s%n",
                EmbeddedPipeline.PARTITIONS, Runtime.getRuntime().availableProcessors(), s.intraOpThreads(), s.batch(), s.requests(),
                s.image().getFileName(), s.replicas(), s.rounds(), BenchSupport.loadAverage());
        long start = System.nanoTime();
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(dataDir, EmbeddedPipeline.everything(), config)) {
            out.printf("pipeline up in %.1f s%n", (System.nanoTime() - start) / 1e9);
            StageReplicas replicas = new StageReplicas(pipeline, stages);
            try (Burst burst = new Burst(pipeline, s.image())) {
                Map<Integer, List<Burst.Result>> results = new LinkedHashMap<>();
                s.replicas().forEach(r -> results.put(r, new ArrayList<>()));
                for (int round = 1; round <= s.rounds(); round++) {
                    // A-B, then B-A: a load trend over the run does not favour whichever goes first.
                    List<Integer> order = new ArrayList<>(s.replicas());
                    if (round % 2 == 0) {
                        Collections.reverse(order);
                    }
                    for (int r : order) {
                        long switching = System.nanoTime();
                        replicas.scaleTo(r);
                        burst.warmUp();
                        out.printf("round %d, %d replica(s) per stage: settled and warmed up in %.1f s%n", round, r,
                                (System.nanoTime() - switching) / 1e9);
                        Burst.Result result = burst.run(s.requests(), stages, replicas);
                        results.get(r).add(result);
                        out.println("  " + result.describe());
                    }
                }
                printSummary(results, out);
            }
        }
        out.println("load average after: " + BenchSupport.loadAverage());
    }

    private static void printSummary(Map<Integer, List<Burst.Result>> results, PrintStream out) {
        out.println("| replicas per stage | rounds | requests/s median (range) | latency p50 s (range) | latency p90 s (range) "
                + "| JVM CPU s per request (range) | cores busy (range) |");
        out.println("|---|---|---|---|---|---|---|");
        Map<Integer, Double> medians = new LinkedHashMap<>();
        results.forEach((r, list) -> {
            double[] rate = list.stream().mapToDouble(Burst.Result::requestsPerSecond).toArray();
            double[] p50 = list.stream().mapToDouble(Burst.Result::p50Seconds).toArray();
            double[] p90 = list.stream().mapToDouble(Burst.Result::p90Seconds).toArray();
            double[] cpu = list.stream().mapToDouble(Burst.Result::cpuSecondsPerRequest).toArray();
            double[] cores = list.stream().mapToDouble(Burst.Result::coresUsed).toArray();
            medians.put(r, BenchSupport.median(rate));
            out.printf("| %d | %d | %s | %s | %s | %s | %s |%n", r, list.size(), medianAndRange(rate, "%.2f"),
                    medianAndRange(p50, "%.1f"), medianAndRange(p90, "%.1f"), medianAndRange(cpu, "%.2f"), medianAndRange(cores, "%.2f"));
        });
        if (medians.size() > 1) {
            List<Integer> counts = new ArrayList<>(medians.keySet());
            int base = counts.get(0);
            for (int r : counts.subList(1, counts.size())) {
                out.printf("throughput ratio %d : %d replicas (medians): %.2f%n", r, base, medians.get(r) / medians.get(base));
            }
        }
    }

    private static String medianAndRange(double[] values, String format) {
        double min = Arrays.stream(values).min().orElse(0);
        double max = Arrays.stream(values).max().orElse(0);
        return String.format(format + " (" + format + "–" + format + ")", BenchSupport.median(values), min, max);
    }
}
