import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Runs ONNX files on the `input.*` tensors of golden safetensors files with ONNX Runtime and
 * prints the largest absolute difference to each `output.*` tensor (`max_abs_diff`) and that difference
 * over the largest |expected| value (`max_rel_diff`). Exit 0 when all are within the tolerance: absolute
 * (`1e-4`) or relative to the output's scale (`rel:1e-2`). Float32 golden inputs are cast to float16 or
 * bfloat16 where the graph declares that dtype; outputs are read back as float32. Used by the Python tests
 * to check the export against PyTorch; launched as
 * `java -cp <onnxruntime jar>:<jackson jars> GoldenCheck.java 1e-4 a.onnx a.safetensors [b.onnx b.safetensors ...]`.
 */
public class GoldenCheck {
    public static void main(String[] args) throws Exception {
        boolean relative = args[0].startsWith("rel:");
        double tolerance = Double.parseDouble(relative ? args[0].substring(4) : args[0]);
        boolean ok = true;
        for (int i = 1; i + 1 < args.length; i += 2) {
            System.out.printf("check %s %s%n", args[i], args[i + 1]);
            ok &= check(args[i], args[i + 1], tolerance, relative);
        }
        System.exit(ok ? 0 : 1);
    }

    private static boolean check(String model, String golden, double tolerance, boolean relative) throws Exception {
        byte[] raw = Files.readAllBytes(Path.of(golden));
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = (int) buf.getLong(0);
        JsonNode header = new ObjectMapper().readTree(new String(raw, 8, headerLen, "UTF-8"));
        int base = 8 + headerLen;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        boolean ok = true;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(model, options)) {
                for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    if (!name.startsWith("input.")) continue;
                    JsonNode info = header.get(name);
                    long[] shape = shape(info);
                    ByteBuffer data = slice(raw, base, info);
                    String dtype = info.get("dtype").asText();
                    String input = name.substring(6);
                    OnnxJavaType declared = ((TensorInfo) session.getInputInfo().get(input).getInfo()).type;
                    OnnxTensor tensor = dtype.equals("I64")
                            ? OnnxTensor.createTensor(env, data.asLongBuffer(), shape)
                            : floatTensor(env, data.asFloatBuffer(), shape, declared);
                    inputs.put(input, tensor);
                }
                long start = System.nanoTime();
                try (OrtSession.Result result = session.run(inputs)) {
                    System.out.printf("run_ms %.1f%n", (System.nanoTime() - start) / 1e6);
                    for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
                        String name = it.next();
                        if (!name.startsWith("output.")) continue;
                        JsonNode info = header.get(name);
                        var expected = slice(raw, base, info).asFloatBuffer();
                        OnnxTensor actual = (OnnxTensor) result.get(name.substring(7)).orElseThrow();
                        var got = actual.getFloatBuffer();
                        long[] gotShape = actual.getInfo().getShape();
                        if (!java.util.Arrays.equals(gotShape, shape(info))) {
                            System.out.printf("shape_mismatch %s %s %s%n", name, java.util.Arrays.toString(gotShape),
                                    java.util.Arrays.toString(shape(info)));
                            ok = false;
                            continue;
                        }
                        double max = 0;
                        double scale = 0;
                        for (int i = 0; i < expected.remaining(); i++) {
                            max = Math.max(max, Math.abs(expected.get(i) - got.get(i)));
                            scale = Math.max(scale, Math.abs(expected.get(i)));
                        }
                        double rel = scale > 0 ? max / scale : max;
                        System.out.printf("max_abs_diff %s %.3e%n", name, max);
                        System.out.printf("max_rel_diff %s %.3e%n", name, rel);
                        ok &= (relative ? rel : max) <= tolerance;
                    }
                }
            }
        } finally {
            for (OnnxTensor t : inputs.values()) t.close();
        }
        return ok;
    }

    /** A float32 golden tensor in the dtype the graph declares (float16 and bfloat16 rounded by ONNX Runtime's own conversions). */
    private static OnnxTensor floatTensor(OrtEnvironment env, FloatBuffer data, long[] shape, OnnxJavaType declared)
            throws OrtException {
        return switch (declared) {
            case FLOAT16 -> OnnxTensor.createTensor(env, Fp16Conversions.convertFloatBufferToFp16Buffer(data), shape,
                    OnnxJavaType.FLOAT16);
            case BFLOAT16 -> OnnxTensor.createTensor(env, Fp16Conversions.convertFloatBufferToBf16Buffer(data), shape,
                    OnnxJavaType.BFLOAT16);
            default -> OnnxTensor.createTensor(env, data, shape);
        };
    }

    private static long[] shape(JsonNode info) {
        JsonNode s = info.get("shape");
        long[] shape = new long[s.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = s.get(i).asLong();
        return shape;
    }

    private static ByteBuffer slice(byte[] raw, int base, JsonNode info) {
        int begin = info.get("data_offsets").get(0).asInt();
        int end = info.get("data_offsets").get(1).asInt();
        return ByteBuffer.wrap(raw, base + begin, end - begin).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
