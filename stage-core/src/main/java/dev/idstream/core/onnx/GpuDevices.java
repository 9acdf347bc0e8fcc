package dev.idstream.core.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Says whether this machine has an NVIDIA GPU, by looking at the driver's files. ONNX Runtime's
 * provider list cannot answer this (the GPU build always lists CUDA), and asking the CUDA provider
 * itself costs the extraction of a ~400 MB native library, so that is only tried where a device exists.
 */
public final class GpuDevices {

    private final Path procDriver;
    private final Path devNode;

    public GpuDevices(Path procDriver, Path devNode) {
        this.procDriver = procDriver;
        this.devNode = devNode;
    }

    public static GpuDevices system() {
        return new GpuDevices(Path.of("/proc/driver/nvidia/gpus"), Path.of("/dev/nvidia0"));
    }

    public boolean nvidiaPresent() {
        return Files.exists(devNode) || hasEntries(procDriver);
    }

    /** Where this probe looked, for the log line that explains the device choice. */
    public String describe() {
        return procDriver + " and " + devNode;
    }

    private static boolean hasEntries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }
}
