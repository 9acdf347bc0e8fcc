package dev.idstream.cli;

import dev.idstream.cli.bench.BatchingBenchmark;
import dev.idstream.cli.bench.GeneratorBenchmark;
import dev.idstream.cli.bench.HopBenchmark;
import dev.idstream.cli.bench.MetricsBenchmark;
import dev.idstream.cli.bench.ThroughputBenchmark;
import dev.idstream.core.config.FaceSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Benchmarks that print numbers (never pass/fail): see README "Performance". */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark: hops (pipeline overhead per stage hop on loopback), "
        + "generator (generator on CPU, --config tiny|medium, --attention plain|fused|both: denoiser step vs PyTorch, requests, "
        + "time outside ONNX Runtime), "
        + "metrics (metrics-stage frames per second on a real clip), "
        + "batching (denoise throughput of queued same-shape requests, batch 1 vs --batch), "
        + "throughput (the embedded pipeline's requests/s and latency with 1 and 2 instances per stage).")
final class BenchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "hops | generator | metrics | batching | throughput")
    String name;

    @Option(names = "--requests", description = "hops: timed hops (default 300); throughput: requests per burst (default 24).")
    Integer requests;

    @Option(names = "--warmup", defaultValue = "30")
    int warmup;

    @Option(names = "--artifact-bytes", defaultValue = "65536", description = "Size of the artifact each hop reads and writes.")
    int artifactBytes;

    @Option(names = "--threads", defaultValue = "2", description = "generator, metrics: CPU threads for ONNX Runtime (and PyTorch).")
    int threads;

    @Option(names = "--runs", description = "generator: timed denoiser steps per runtime (default 20); metrics: timed runs, "
            + "the first includes warm-up (default 2); batching: rounds (default 3); throughput: bursts per replica count (default 3).")
    Integer runs;

    @Option(names = "--config", defaultValue = "tiny", description = "generator: tiny (the committed bundle) or medium "
            + "(DiT width 512, 8 layers, exported into ~/.cache/idstream/bench when missing; denoiser step only).")
    String config;

    @Option(names = "--attention", defaultValue = "plain", description = "generator: the denoiser export's attention: plain "
            + "(MatMul-Softmax-MatMul), fused (com.microsoft::MultiHeadAttention, exported into ~/.cache/idstream/bench when "
            + "missing) or both (the two exports of the same model in one run, their outputs compared).")
    String attention;

    @Option(names = "--latent", split = ",", paramLabel = "F,H,W", description = "generator: time the denoiser on seeded "
            + "latents of this latent grid (frames, height, width) instead of the golden ones, e.g. 13,60,90 for a full-size "
            + "bundle traced at a small grid (export.py --denoiser-latent); skips the PyTorch comparison.")
    int[] latent;

    @Option(names = "--bundle", description = "generator: time this bundle folder's denoiser instead of --config's "
            + "(e.g. a full-shaped export on a CUDA machine; denoiser step only).")
    Path bundle;

    @Option(names = "--device", defaultValue = "cpu", description = "generator: cpu or cuda (ONNX Runtime's CUDA execution "
            + "provider, which needs the CUDA 12 libraries; the PyTorch comparison is CPU-only and skipped).")
    String device;

    @Option(names = "--spinning", description = "generator: let ONNX Runtime's idle threads spin-wait (onnx.threads.spinning; "
            + "off by default, which is faster on a shared CPU).")
    boolean spinning;

    @Option(names = "--generation-requests", defaultValue = "5", description = "generator: timed requests (after one warm-up).")
    int generationRequests;

    @Option(names = "--batch", defaultValue = "4", description = "batching: the batch size compared with 1; "
            + "throughput: the denoise stage's runtime.batch.max.size.")
    int batch;

    @Option(names = "--batch-requests", defaultValue = "8", description = "batching: queued requests per round.")
    int batchRequests;

    @Option(names = "--replicas", split = ",", defaultValue = "1,2", description = "throughput: instances per stage to compare "
            + "(1 to " + EmbeddedPipeline.PARTITIONS + ", comma-separated).")
    java.util.List<Integer> replicas;

    @Option(names = "--intra-op-threads", defaultValue = "1", description = "throughput: onnx.threads.intra.op of every stage "
            + "instance (0 = one per core); 1 because the stages (and replicas) already run side by side on the cores.")
    int intraOpThreads;

    @Option(names = "--image", defaultValue = "../shared/data/portraits/d9.jpg", description = "generator, throughput: reference image.")
    Path image;

    @Option(names = "--data-dir", defaultValue = ".idstream/bench")
    Path dataDir;

    @Option(names = "--video", defaultValue = "../shared/data/videos/d3.mp4", description = "metrics: the clip to score.")
    Path video;

    @Option(names = "--reference", defaultValue = "../shared/data/portraits/d3_still.jpg", description = "metrics: the reference image.")
    Path reference;

    @Option(names = "--face-bundle", description = "metrics: face bundle folder (default: models.face.bundle's default).")
    Path faceBundle;

    @Override
    public Integer call() throws Exception {
        if ("generator".equals(name)) {
            Logging.quiet();
            GeneratorBenchmark.run(config, attention, bundle, latent, device, spinning, threads, runs == null ? 20 : runs, generationRequests,
                    image, System.out);
            return 0;
        }
        if ("metrics".equals(name)) {
            return metrics();
        }
        if ("batching".equals(name)) {
            Logging.quiet();
            BatchingBenchmark.run(threads, batchRequests, batch, runs == null ? 3 : runs, image, System.out);
            return 0;
        }
        if ("throughput".equals(name)) {
            Logging.quiet();
            ThroughputBenchmark.run(DataDirs.fresh(dataDir), new ThroughputBenchmark.Settings(replicas, requests == null ? 24 : requests,
                    runs == null ? 3 : runs, batch, intraOpThreads, image), System.out);
            return 0;
        }
        if (!"hops".equals(name)) {
            throw new IllegalArgumentException("unknown benchmark '" + name + "'; available: hops, generator, metrics, batching, throughput");
        }
        Logging.quiet();
        System.out.println("pipeline overhead per stage hop (serde + Kafka transaction + S3 GET/PUT + read_committed), one at a time ...");
        HopBenchmark.Result r = HopBenchmark.run(DataDirs.fresh(dataDir), warmup, requests == null ? 300 : requests, artifactBytes, System.out);
        System.out.println("| requests | artifact | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.println(r.markdownRow());
        System.out.printf("mean %.1f ms%n", r.meanMs());
        return 0;
    }

    private int metrics() throws Exception {
        Logging.quiet();
        System.out.printf("metrics stage step on %s against %s, ONNX Runtime on CPU with %d threads ...%n", video, reference, threads);
        MetricsBenchmark.Result r = MetricsBenchmark.run(faceBundle != null ? faceBundle : FaceSettings.defaultBundle(),
                video, reference, runs == null ? 2 : runs, threads, System.out);
        System.out.printf("best: %.1f frames/s (%d frames, %dx%d)%n", r.bestFps(), r.scores().frameCount(), r.scores().width(),
                r.scores().height());
        return 0;
    }
}
