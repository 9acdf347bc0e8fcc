package dev.idstream.core.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * How sessions are created: which device, how many threads, how much graph optimization.
 *
 * @param device         {@code AUTO} uses CUDA where an NVIDIA device exists and CPU otherwise
 * @param cudaDeviceId   GPU ordinal for the CUDA execution provider
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose (all cores)
 * @param interOpThreads threads across independent operators; 0 lets ONNX Runtime choose
 * @param optimization   graph optimization level applied when a session is created
 * @param cudaOptions    extra CUDA provider options passed through unchanged (e.g. {@code gpu_mem_limit})
 * @param spinning       whether idle thread-pool threads spin-wait for work (ONNX Runtime's default) or sleep. Off
 *                       by default: on CPUs shared with other processes spinning threads steal the cores the work
 *                       needs (measured on 2 cores at load average 14: the tiny denoiser step 28 ms spinning, 6 ms not)
 */
public record OrtSettings(Device device, int cudaDeviceId, int intraOpThreads, int interOpThreads,
                          Optimization optimization, Map<String, String> cudaOptions, boolean spinning) {

    public enum Device { AUTO, CPU, CUDA }

    public enum Optimization { DISABLED, BASIC, EXTENDED, ALL }

    /** Keys read by {@link #fromProperties(Map)}; CUDA provider options use the prefix {@code onnx.cuda.option.}. */
    public static final String DEVICE = "onnx.device";
    public static final String CUDA_DEVICE_ID = "onnx.cuda.device.id";
    public static final String INTRA_OP_THREADS = "onnx.threads.intra.op";
    public static final String INTER_OP_THREADS = "onnx.threads.inter.op";
    public static final String OPTIMIZATION = "onnx.optimization";
    public static final String SPINNING = "onnx.threads.spinning";
    public static final String CUDA_OPTION_PREFIX = "onnx.cuda.option.";
    private static final List<String> KEYS = List.of(DEVICE, CUDA_DEVICE_ID, INTRA_OP_THREADS, INTER_OP_THREADS, OPTIMIZATION, SPINNING);

    public OrtSettings {
        if (device == null || optimization == null) {
            throw new IllegalArgumentException("onnx device and optimization level must be set");
        }
        if (cudaDeviceId < 0) {
            throw new IllegalArgumentException(CUDA_DEVICE_ID + " must be >= 0, got " + cudaDeviceId);
        }
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("onnx thread counts must be >= 0 (0 = ONNX Runtime's choice), got intra-op "
                    + intraOpThreads + ", inter-op " + interOpThreads);
        }
        cudaOptions = Map.copyOf(cudaOptions);
    }

    public static OrtSettings defaults() {
        return new OrtSettings(Device.AUTO, 0, 0, 0, Optimization.ALL, Map.of(), false);
    }

    /** CPU only, with a fixed number of intra-op threads (benchmarks, tests). */
    public static OrtSettings cpu(int intraOpThreads) {
        return new OrtSettings(Device.CPU, 0, intraOpThreads, 1, Optimization.ALL, Map.of(), false);
    }

    public OrtSettings withDevice(Device newDevice) {
        return new OrtSettings(newDevice, cudaDeviceId, intraOpThreads, interOpThreads, optimization, cudaOptions, spinning);
    }

    public OrtSettings withSpinning(boolean spin) {
        return new OrtSettings(device, cudaDeviceId, intraOpThreads, interOpThreads, optimization, cudaOptions, spin);
    }

    /**
     * Reads the {@code onnx.*} keys; absent or blank keys keep their defaults, unknown {@code onnx.*} keys are rejected,
     * and every problem is reported at once. CUDA option names take {@code _} for {@code .} (the environment mapping
     * turns {@code IDSTREAM_ONNX_CUDA_OPTION_GPU_MEM_LIMIT} into {@code onnx.cuda.option.gpu.mem.limit}; no CUDA
     * provider option has a dot in its name).
     */
    public static OrtSettings fromProperties(Map<String, String> properties) {
        OrtSettings d = defaults();
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new TreeMap<>();
        Map<String, String> cuda = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (value == null || value.isBlank()) {
                return;
            }
            if (key.startsWith(CUDA_OPTION_PREFIX)) {
                cuda.put(key.substring(CUDA_OPTION_PREFIX.length()).replace('.', '_'), value.trim());
            } else if (KEYS.contains(key)) {
                values.put(key, value.trim());
            } else if (key.startsWith("onnx.")) {
                problems.add("unknown setting " + key + "; known: " + String.join(", ", KEYS) + ", " + CUDA_OPTION_PREFIX + "*");
            }
        });
        Device device = parse(values, DEVICE, d.device(), v -> Enum.valueOf(Device.class, v.toUpperCase(Locale.ROOT)),
                "one of " + Arrays.toString(Device.values()), problems);
        int cudaDeviceId = parse(values, CUDA_DEVICE_ID, d.cudaDeviceId(), Integer::parseInt, "an integer", problems);
        int intra = parse(values, INTRA_OP_THREADS, d.intraOpThreads(), Integer::parseInt, "an integer", problems);
        int inter = parse(values, INTER_OP_THREADS, d.interOpThreads(), Integer::parseInt, "an integer", problems);
        Optimization optimization = parse(values, OPTIMIZATION, d.optimization(),
                v -> Enum.valueOf(Optimization.class, v.toUpperCase(Locale.ROOT)), "one of " + Arrays.toString(Optimization.values()),
                problems);
        boolean spinning = parse(values, SPINNING, d.spinning(), OrtSettings::parseBoolean, "true or false", problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new OrtSettings(device, cudaDeviceId, intra, inter, optimization, cuda, spinning);
    }

    private static <T> T parse(Map<String, String> values, String key, T fallback, Function<String, T> parser, String expected,
                               List<String> problems) {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            problems.add(key + " must be " + expected + ", got '" + value + "'");
            return fallback;
        }
    }

    private static boolean parseBoolean(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(value);
        };
    }
}
