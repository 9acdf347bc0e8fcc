package dev.idstream.cli.bench;

import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.denoise.VideoDenoiser;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Throughput of the denoise loop (text encoder, reference VAE encoder, DiT steps) for N queued requests of one shape,
 * run in batches of 1 and of B ({@link VideoDenoiser#generateBatch}, what the denoise stage does when its queue holds
 * them). Rounds alternate the two settings, so a load change on a shared machine hits both alike; the load average
 * is printed with the numbers. V_F is the tiny bundle's golden id_encoder output.
 */
public final class BatchingBenchmark {

    private BatchingBenchmark() {
    }

    public static void run(int threads, int requests, int batch, int rounds, Path portrait, PrintStream out) throws Exception {
        BufferedImage reference = ImageIO.read(portrait.toFile());
        if (reference == null) {
            throw new IllegalArgumentException("not a readable image: " + portrait);
        }
        try (GeneratorBundle bundle = new GeneratorBundle(ModelBundle.load(GeneratorBundle.defaultLocation()),
                OrtRuntime.create(OrtSettings.cpu(threads)))) {
            Tensor idTokens = Safetensors.read(Files.readAllBytes(bundle.bundle().folder().resolve("golden/id_encoder.safetensors")))
                    .tensors().get("output.id_tokens");
            List<VideoDenoiser.Job> jobs = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                jobs.add(new VideoDenoiser.Job(new VideoDenoiser.Request("a person smiling and turning their head", "", 1000 + i,
                        9, 96, 64, 8, 6.0f), idTokens, reference, (s, n) -> { }));
            }
            VideoDenoiser denoiser = new VideoDenoiser(bundle);
            out.printf("bundle %s, ONNX Runtime CPU, %d intra-op threads, %d cores; %d requests of 9 frames 96x64, 8 steps, CFG 6;"
                    + " batch 1 vs %d, %d rounds after one warm-up each; load average before: %s%n", bundle.id(), threads,
                    Runtime.getRuntime().availableProcessors(), requests, batch, rounds, BenchSupport.loadAverage());
            runAll(denoiser, jobs, 1);
            runAll(denoiser, jobs, batch);
            double[] single = new double[rounds];
            double[] batched = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                single[r] = requests / runAll(denoiser, jobs, 1);
                batched[r] = requests / runAll(denoiser, jobs, batch);
                out.printf("  round %d: batch 1 %.2f requests/s, batch %d %.2f requests/s (load %s)%n", r + 1, single[r], batch,
                        batched[r], BenchSupport.loadAverage());
            }
            double s = BenchSupport.median(single);
            double b = BenchSupport.median(batched);
            out.printf("median: batch 1 %.2f requests/s, batch %d %.2f requests/s, ratio %.2f; load average after: %s%n",
                    s, batch, b, b / s, BenchSupport.loadAverage());
        }
    }

    /** @return seconds to run every job in consecutive batches of {@code batch} */
    private static double runAll(VideoDenoiser denoiser, List<VideoDenoiser.Job> jobs, int batch) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < jobs.size(); i += batch) {
            for (VideoDenoiser.Outcome outcome : denoiser.generateBatch(jobs.subList(i, Math.min(jobs.size(), i + batch)))) {
                if (outcome.failure() != null) {
                    throw outcome.failure();
                }
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }


}
