package dev.idstream.cli.bench;

import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.face.FaceBundles;
import dev.idstream.face.RgbImage;
import dev.idstream.metrics.MetricsStage;
import dev.idstream.metrics.ScoredVideo;
import java.io.PrintStream;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Metrics-stage throughput: the stage's model step on a real clip (decode every frame, face detection and Farneback
 * flow on every frame, full face analysis + Inception on the 16 sampled frames), in video frames per second.
 * S3 and Kafka are left out: the hop benchmark measures them.
 */
public final class MetricsBenchmark {

    public record Result(ScoredVideo scores, double[] seconds) {
        public double bestFps() {
            double best = Double.MAX_VALUE;
            for (double s : seconds) {
                best = Math.min(best, s);
            }
            return scores.frameCount() / best;
        }
    }

    private MetricsBenchmark() {
    }

    public static Result run(Path bundleDir, Path video, Path reference, int runs, int threads, PrintStream out) throws Exception {
        OrtSettings ort = OrtSettings.cpu(threads);
        try (MetricsStage stage = new MetricsStage(FaceBundles.loadOrPrepareDefault(bundleDir), OrtRuntime.create(ort))) {
            RgbImage ref = RgbImage.of(ImageIO.read(reference.toFile()));
            double[] seconds = new double[runs];
            ScoredVideo scores = null;
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                scores = stage.scoreFile(video, ref);
                seconds[i] = (System.nanoTime() - start) / 1e9;
                out.printf("run %d: %d frames (%dx%d) in %.2f s = %.1f frames/s; RS %.4f IFS %.4f FID/frame %.1f FM %.3f px/frame%n",
                        i + 1, scores.frameCount(), scores.width(), scores.height(), seconds[i], scores.frameCount() / seconds[i],
                        scores.rs(), scores.ifs(), scores.fidPerFrame(), scores.fm());
            }
            return new Result(scores, seconds);
        }
    }
}
