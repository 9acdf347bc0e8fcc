package dev.idstream.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idstream.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtRuntimeTest {

    @TempDir
    Path dir;

    @Test
    void shouldUseCpuWithoutTryingCudaWhenNoNvidiaDeviceExists() {
        OrtRuntime runtime = new OrtRuntime(OrtSettings.defaults(), GpuDevicesTestSupport.none());

        assertThat(runtime.device()).isEqualTo(OrtRuntime.ExecutionDevice.CPU);
    }

    @Test
    void shouldFailClearlyWhenCudaIsRequiredButNoDeviceExists() {
        OrtRuntime runtime = new OrtRuntime(OrtSettings.defaults().withDevice(OrtSettings.Device.CUDA), GpuDevicesTestSupport.none());

        assertThatThrownBy(runtime::device).isInstanceOf(OnnxException.class)
                .hasMessageContaining("onnx.device=cuda but no NVIDIA device was found");
    }

    @Test
    void shouldSeeDeviceWhenDriverListsOne() throws IOException {
        Files.createDirectories(dir.resolve("gpus/0000:01:00.0"));

        assertThat(new GpuDevices(dir.resolve("gpus"), dir.resolve("nvidia0")).nvidiaPresent()).isTrue();
        assertThat(new GpuDevices(dir.resolve("none"), dir.resolve("nvidia0")).nvidiaPresent()).isFalse();
    }

    @Test
    void shouldReadTypedSettingsWhenPropertiesAreGiven() {
        OrtSettings s = OrtSettings.fromProperties(Map.of("onnx.device", "cpu", "onnx.threads.intra.op", "2",
                "onnx.optimization", "basic", "onnx.cuda.option.gpu_mem_limit", "1073741824"));

        assertThat(s.device()).isEqualTo(OrtSettings.Device.CPU);
        assertThat(s.intraOpThreads()).isEqualTo(2);
        assertThat(s.optimization()).isEqualTo(OrtSettings.Optimization.BASIC);
        assertThat(s.cudaOptions()).containsEntry("gpu_mem_limit", "1073741824");
        assertThatThrownBy(() -> OrtSettings.fromProperties(Map.of("onnx.threads", "2")))
                .hasMessageStartingWith("unknown setting onnx.threads");
        assertThatThrownBy(() -> OrtSettings.fromProperties(Map.of("onnx.device", "tpu")))
                .hasMessageContaining("onnx.device must be one of [AUTO, CPU, CUDA], got 'tpu'");
    }

    @Test
    void shouldNotSpinUnlessAskedWhenReadingSettings() {
        assertThat(OrtSettings.defaults().spinning()).isFalse();
        assertThat(OrtSettings.cpu(2).spinning()).isFalse();
        assertThat(OrtSettings.fromProperties(Map.of("onnx.threads.spinning", "true")).spinning()).isTrue();
        assertThat(OrtSettings.fromProperties(Map.of("onnx.threads.spinning", " FALSE ")).spinning()).isFalse();
        assertThatThrownBy(() -> OrtSettings.fromProperties(Map.of("onnx.threads.spinning", "yes")))
                .hasMessage("onnx.threads.spinning must be true or false, got 'yes'");
    }

    @Test
    void shouldRunHalfPrecisionInputsWhenModelTakesFloat16OrBfloat16() throws IOException {
        OrtRuntime runtime = new OrtRuntime(OrtSettings.cpu(1), GpuDevicesTestSupport.none());
        float[] x = {0.5f, -1.25f, 3f, 1000f};
        for (var type : Map.of(ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT16_VALUE, Tensor.DType.F16,
                ai.onnx.proto.OnnxMl.TensorProto.DataType.BFLOAT16_VALUE, Tensor.DType.BF16).entrySet()) {
            Path model = TestModels.halfInput(dir.resolve(type.getValue() + ".onnx"), type.getKey(), 4);
            try (OnnxSession session = runtime.open(model, "half-" + type.getValue());
                 TensorBinding binding = session.bind(Map.of())) {
                float[] y = OnnxTensors.floats(session.run(Map.of("x", OnnxTensors.half(type.getValue(), x, 1, 4))).get("y"));
                assertThat(y).containsExactly(1.5f, -0.25f, 4f, 1001f);

                var halves = binding.halves("x");
                for (float v : x) {
                    halves.put(type.getValue() == Tensor.DType.F16 ? dev.idstream.core.tensor.HalfFloats.toF16(v) : dev.idstream.core.tensor.HalfFloats.toBF16(v));
                }
                binding.run();
                float[] bound = new float[4];
                binding.floats("y").get(bound);
                assertThat(bound).containsExactly(1.5f, -0.25f, 4f, 1001f);
            }
        }
    }

    @Test
    void shouldNameModelWhenFileIsMissing() {
        OrtRuntime runtime = new OrtRuntime(OrtSettings.cpu(1), GpuDevicesTestSupport.none());

        assertThatThrownBy(() -> runtime.open(dir.resolve("absent.onnx"), "face/detector"))
                .isInstanceOf(OnnxException.class)
                .hasMessageContaining("face/detector: model file").hasMessageContaining("does not exist");
    }
}
