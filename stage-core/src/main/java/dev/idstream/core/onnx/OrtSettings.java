package dev.idstream.core.onnx;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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

    /** Reads the {@code onnx.*} keys; absent keys keep their defaults, unknown {@code onnx.*} keys are rejected. */
    public static OrtSettings fromProperties(Map<String, String> properties) {
        OrtSettings d = defaults();
        Map<String, String> cuda = new TreeMap<>();
        for (var e : properties.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(CUDA_OPTION_PREFIX)) {
                cuda.put(key.substring(CUDA_OPTION_PREFIX.length()), e.getValue());
            } else if (key.startsWith("onnx.") && !key.equals(DEVICE) && !key.equals(CUDA_DEVICE_ID)
                    && !key.equals(INTRA_OP_THREADS) && !key.equals(INTER_OP_THREADS) && !key.equals(OPTIMIZATION)
                    && !key.equals(SPINNING)) {
                throw new IllegalArgumentException("unknown setting " + key + "; known: " + DEVICE + ", " + CUDA_DEVICE_ID
                        + ", " + INTRA_OP_THREADS + ", " + INTER_OP_THREADS + ", " + OPTIMIZATION + ", " + SPINNING + ", "
                        + CUDA_OPTION_PREFIX + "*");
            }
        }
        return new OrtSettings(
                parseEnum(Device.class, properties.get(DEVICE), d.device(), DEVICE),
                parseInt(properties.get(CUDA_DEVICE_ID), d.cudaDeviceId(), CUDA_DEVICE_ID),
                parseInt(properties.get(INTRA_OP_THREADS), d.intraOpThreads(), INTRA_OP_THREADS),
                parseInt(properties.get(INTER_OP_THREADS), d.interOpThreads(), INTER_OP_THREADS),
                parseEnum(Optimization.class, properties.get(OPTIMIZATION), d.optimization(), OPTIMIZATION),
                cuda,
                parseBoolean(properties.get(SPINNING), d.spinning(), SPINNING));
    }

    private static int parseInt(String value, int fallback, String key) {
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'", e);
        }
    }

    private static boolean parseBoolean(String value, boolean fallback, String key) {
        if (value == null) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
        };
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, E fallback, String key) {
        if (value == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be one of " + java.util.Arrays.toString(type.getEnumConstants())
                    + ", got '" + value + "'", e);
        }
    }
}
