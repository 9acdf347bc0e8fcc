package dev.idstream.core.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that creates ONNX Runtime sessions. It picks the execution device once: CUDA when
 * settings allow it, an NVIDIA device exists and the CUDA provider actually initialises; CPU otherwise.
 * The choice and its reason are logged. Models are loaded by path, so ONNX external data next to the
 * model file works and large models are not copied through the Java heap.
 */
public final class OrtRuntime {

    private static final Logger log = LoggerFactory.getLogger(OrtRuntime.class);

    public enum ExecutionDevice { CPU, CUDA }

    private final OrtEnvironment env;
    private final OrtSettings settings;
    private final GpuDevices gpus;
    private volatile ExecutionDevice device;
    private volatile String deviceReason;

    public OrtRuntime(OrtSettings settings, GpuDevices gpus) {
        this.env = OrtEnvironment.getEnvironment();
        this.settings = settings;
        this.gpus = gpus;
    }

    public static OrtRuntime create(OrtSettings settings) {
        return new OrtRuntime(settings, GpuDevices.system());
    }

    public OrtEnvironment environment() {
        return env;
    }

    public OrtSettings settings() {
        return settings;
    }

    /** The device sessions run on; decided by the first session (or by this call). */
    public synchronized ExecutionDevice device() {
        if (device == null) {
            device = chooseDevice();
        }
        return device;
    }

    /**
     * Refuses a model precision the execution device has no kernels for, with a message that says what to do:
     * ONNX Runtime's CPU provider has no bfloat16 kernels, and its own error only names the first node it could not
     * place. float16 runs on CPU too (ONNX Runtime inserts casts around operators without float16 kernels).
     *
     * @param what names the model in the message, e.g. "generator bundle idstream-generator-tiny@0.1.0 role denoiser"
     */
    public void requireSupported(ModelPrecision precision, String what) {
        if (precision == ModelPrecision.BFLOAT16 && device() == ExecutionDevice.CPU) {
            throw new OnnxException(what + " is bfloat16; ONNX Runtime's CPU provider has no bfloat16 kernels, and this"
                    + " runtime is on CPU (" + deviceReason + "). Run it on a CUDA device (" + OrtSettings.DEVICE
                    + "=cuda makes a missing GPU fail at start) or export float16/float32 (models/README.md)");
        }
    }

    /** Opens a model file; {@code label} names it in errors and logs (e.g. "face/detector"). */
    public OnnxSession open(Path model, String label) {
        if (!Files.isRegularFile(model)) {
            throw new OnnxException(label + ": model file " + model + " does not exist");
        }
        ExecutionDevice target = device();
        try (OrtSession.SessionOptions options = sessionOptions(target)) {
            OrtSession session = env.createSession(model.toString(), options);
            log.info("ONNX session {} ({}) on {}", label, model.getFileName(), target);
            return new OnnxSession(env, session, label);
        } catch (OrtException e) {
            throw new OnnxException(label + ": ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
        }
    }

    private OrtSession.SessionOptions sessionOptions(ExecutionDevice target) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(switch (settings.optimization()) {
                case DISABLED -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            });
            if (settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
            }
            if (settings.interOpThreads() > 0) {
                options.setInterOpNumThreads(settings.interOpThreads());
            }
            String spin = settings.spinning() ? "1" : "0";
            options.addConfigEntry("session.intra_op.allow_spinning", spin);
            options.addConfigEntry("session.inter_op.allow_spinning", spin);
            if (target == ExecutionDevice.CUDA) {
                addCuda(options);
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private void addCuda(OrtSession.SessionOptions options) throws OrtException {
        try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(settings.cudaDeviceId())) {
            for (var e : settings.cudaOptions().entrySet()) {
                cuda.add(e.getKey(), e.getValue());
            }
            options.addCUDA(cuda);
        }
    }

    private ExecutionDevice chooseDevice() {
        if (settings.device() == OrtSettings.Device.CPU) {
            return cpu("configured " + OrtSettings.DEVICE + "=cpu");
        }
        if (!gpus.nvidiaPresent()) {
            if (settings.device() == OrtSettings.Device.CUDA) {
                throw new OnnxException(OrtSettings.DEVICE + "=cuda but no NVIDIA device was found (looked at " + gpus.describe() + ")");
            }
            return cpu("no NVIDIA device: " + gpus.describe() + " absent");
        }
        try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
            addCuda(probe);   // the provider list always claims CUDA; only adding it proves it loads
            deviceReason = "CUDA device " + settings.cudaDeviceId();
            log.info("ONNX Runtime device: {}", deviceReason);
            return ExecutionDevice.CUDA;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            if (settings.device() == OrtSettings.Device.CUDA) {
                throw new OnnxException(OrtSettings.DEVICE + "=cuda but the CUDA provider failed: " + e.getMessage(), e);
            }
            deviceReason = "an NVIDIA device is present but the CUDA provider failed: " + e.getMessage();
            log.warn("ONNX Runtime device: CPU ({})", deviceReason);
            return ExecutionDevice.CPU;
        }
    }

    private ExecutionDevice cpu(String reason) {
        deviceReason = reason;
        log.info("ONNX Runtime device: CPU ({})", reason);
        return ExecutionDevice.CPU;
    }
}
