package dev.idstream.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** What the benchmarks share: Debian's python3, child processes with a real timeout, the load average, the median. */
final class BenchSupport {

    /** Debian's own python3: python3-torch and python3-onnx install for it, not for another python on the PATH. */
    static final Path PYTHON = Path.of("/usr/bin/python3");

    private BenchSupport() {
    }

    /**
     * Runs the process to completion and returns its output (stdout and stderr together). The output goes to a file,
     * not a pipe, so that waiting is what times out: reading a pipe to its end would block as long as the child runs.
     */
    static String run(ProcessBuilder builder, Duration timeout) throws IOException, InterruptedException {
        Path log = Files.createTempFile("idstream-bench-", ".log");
        try {
            Process p = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException("gave up after " + timeout.toMinutes() + " min: " + String.join(" ", builder.command())
                        + "\n" + Files.readString(log));
            }
            String output = Files.readString(log);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("exit code " + p.exitValue() + ": " + String.join(" ", builder.command()) + "\n" + output);
            }
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The 1, 5 and 15 minute load averages: on 2 shared cores they say how far to trust a number. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
