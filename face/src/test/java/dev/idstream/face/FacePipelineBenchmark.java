package dev.idstream.face;

import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Latency of detect + mesh + align + embed on one 512x512 frame (portraits/d3_still.jpg) with ONNX
 * Runtime on 2 CPU threads: p50/p90 over 200 runs after 20 warm-up runs. A benchmark, not a timed
 * test: it asserts nothing about speed. Run with
 * {@code mvn -o -pl face -am test -Dtest=FacePipelineBenchmark -Didstream.benchmark=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "idstream.benchmark", matches = "true")
class FacePipelineBenchmark {

    private static final int WARM_UP = 20;
    private static final int RUNS = 200;

    @Test
    void measureDetectMeshAlignEmbedOn512Frame() {
        ModelBundle bundle = FaceTestBundle.get();
        RgbImage frame = SharedData.image(SharedData.dir("portraits").resolve("d3_still.jpg"));
        try (FaceDetector detector = new FaceDetector(bundle, OrtRuntime.create(OrtSettings.cpu(2)));
             FaceMesh mesh = new FaceMesh(bundle, OrtRuntime.create(OrtSettings.cpu(2)));
             FaceEmbedder embedder = new FaceEmbedder(bundle, OrtRuntime.create(OrtSettings.cpu(2)))) {
            long[][] nanos = new long[4][RUNS];
            for (int i = -WARM_UP; i < RUNS; i++) {
                long t0 = System.nanoTime();
                Detection d = detector.largest(frame).orElseThrow();
                long t1 = System.nanoTime();
                FaceMesh.Result m = mesh.estimate(frame, d);
                long t2 = System.nanoTime();
                RgbImage aligned = FaceAligner.align(frame, FivePoints.fromMesh(m.points()), embedder.template(), embedder.inputSize());
                long t3 = System.nanoTime();
                embedder.embedAligned(aligned);
                long t4 = System.nanoTime();
                if (i >= 0) {
                    nanos[0][i] = t1 - t0;
                    nanos[1][i] = t2 - t1;
                    nanos[2][i] = t3 - t2;
                    nanos[3][i] = t4 - t3;
                }
            }
            long[] total = new long[RUNS];
            for (int i = 0; i < RUNS; i++) {
                total[i] = nanos[0][i] + nanos[1][i] + nanos[2][i] + nanos[3][i];
            }
            System.out.printf("512x512 frame, %d runs, ONNX Runtime CPU 2 threads (%d cores visible)%n", RUNS,
                    Runtime.getRuntime().availableProcessors());
            report("detect (BlazeFace)", nanos[0]);
            report("mesh (FaceMesh, 2 passes)", nanos[1]);
            report("align (5-point similarity)", nanos[2]);
            report("embed (ResNet 150x150)", nanos[3]);
            report("total", total);
        }
    }

    private static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("  %-28s p50 %7.2f ms  p90 %7.2f ms%n", what, s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6);
    }
}
