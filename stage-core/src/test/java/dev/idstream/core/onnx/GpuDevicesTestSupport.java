package dev.idstream.core.onnx;

import java.nio.file.Path;

final class GpuDevicesTestSupport {

    private GpuDevicesTestSupport() {
    }

    /** A probe that looks at paths that do not exist: a machine without an NVIDIA device. */
    static GpuDevices none() {
        return new GpuDevices(Path.of("/nonexistent/proc/driver/nvidia/gpus"), Path.of("/nonexistent/dev/nvidia0"));
    }
}
