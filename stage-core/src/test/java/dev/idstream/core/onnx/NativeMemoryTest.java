package dev.idstream.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idstream.core.tensor.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 runs must not grow the process's native memory: every OnnxTensor and Result is closed.
 * Each run moves 1 MiB in and 1 MiB out, so a leaked tensor or result per run would add ~1-2 GiB.
 * Native growth = growth of resident memory (VmRSS) minus growth of the committed Java heap, which
 * the copying path legitimately enlarges with its garbage.
 */
class NativeMemoryTest {

    private static final int N = 256 * 1024;          // floats: 1 MiB per tensor
    private static final int RUNS = 1000;
    private static final int WARM_UP = 1000;
    // measured growth here is a few MiB; the copying path's malloc arenas can wander by ~100 MiB when
    // direct buffers wait for the cleaner; one leaked 1 MiB tensor or result per run is ~1000 MiB
    private static final long TOLERANCE_KIB = 256 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldNotGrowResidentMemoryWhenRunningThousandTimes() throws IOException {
        OrtRuntime runtime = new OrtRuntime(OrtSettings.cpu(1), GpuDevicesTestSupport.none());
        Path model = TestModels.scaleAndShift(dir.resolve("m.onnx"), N, false);
        float[] x = new float[N];
        Tensor input = OnnxTensors.f32(x, 1, N);
        try (OnnxSession session = runtime.open(model, "memory-test");
             TensorBinding binding = session.bindBatch(1)) {
            Runnable copying = () -> session.run(Map.of("x", input));
            Runnable bound = () -> {
                binding.floats("x").put(x);
                binding.run();
            };
            for (Runnable step : new Runnable[] {copying, bound}) {
                repeat(step, WARM_UP);            // arenas, thread pools, JIT and heap reach their working size
                collect();
                long rssBefore = residentKib();
                long heapBefore = heapCommittedKib();
                repeat(step, RUNS);
                collect();
                long rssGrowth = residentKib() - rssBefore;
                long heapGrowth = heapCommittedKib() - heapBefore;
                System.out.printf("after %d runs: RSS %+d KiB, committed heap %+d KiB, native %+d KiB%n",
                        RUNS, rssGrowth, heapGrowth, rssGrowth - heapGrowth);
                assertThat(rssGrowth - heapGrowth).isLessThan(TOLERANCE_KIB);
            }
        }
    }

    private static void repeat(Runnable step, int times) {
        for (int i = 0; i < times; i++) {
            step.run();
        }
    }

    /** GC, then a moment for the cleaner thread to free the direct buffers it found unreachable. */
    private static void collect() {
        System.gc();
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.gc();
    }

    private static long heapCommittedKib() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
    }

    private static long residentKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
