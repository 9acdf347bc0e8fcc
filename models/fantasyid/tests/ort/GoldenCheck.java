import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Runs ONNX files on the `input.*` tensors of golden safetensors files with ONNX Runtime and
 * prints the largest absolute difference to each `output.*` tensor. Exit 0 when all are within
 * the tolerance. Used by the Python tests to check the export against PyTorch; launched as
 * `java -cp <onnxruntime jar>:<jackson jars> GoldenCheck.java 1e-4 a.onnx a.safetensors [b.onnx b.safetensors ...]`.
 */
public class GoldenCheck {
    public static void main(String[] args) throws Exception {
        double tolerance = Double.parseDouble(args[0]);
        boolean ok = true;
        for (int i = 1; i + 1 < args.length; i += 2) {
            System.out.printf("check %s %s%n", args[i], args[i + 1]);
            ok &= check(args[i], args[i + 1], tolerance);
        }
        System.exit(ok ? 0 : 1);
    }

    private static boolean check(String model, String golden, double tolerance) throws Exception {
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
                    OnnxTensor tensor = dtype.equals("I64")
                            ? OnnxTensor.createTensor(env, data.asLongBuffer(), shape)
                            : OnnxTensor.createTensor(env, data.asFloatBuffer(), shape);
                    inputs.put(name.substring(6), tensor);
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
                        for (int i = 0; i < expected.remaining(); i++) {
                            max = Math.max(max, Math.abs(expected.get(i) - got.get(i)));
                        }
                        System.out.printf("max_abs_diff %s %.3e%n", name, max);
                        ok &= max <= tolerance;
                    }
                }
            }
        } finally {
            for (OnnxTensor t : inputs.values()) t.close();
        }
        return ok;
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
