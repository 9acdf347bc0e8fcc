package dev.idstream.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.generator.GeneratorBundle.Role;
import dev.idstream.core.generator.ImageTensors;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.core.tensor.Safetensors;
import dev.idstream.core.tensor.Tensor;
import dev.idstream.decode.LatentVideoDecoder;
import dev.idstream.decode.Mp4Writer;
import dev.idstream.denoise.VideoDenoiser;
import dev.idstream.features.IdDescriptorEncoder;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The generator on CPU, in one run: (1) one denoiser step (the CFG batch of 2) in ONNX Runtime from Java — the
 * session call the denoise stage makes — and the same model in PyTorch (Debian's torch, TorchDenoiserStep: same
 * seeded weights, the bundle's golden inputs), both on the same number of threads, with p50/p90, their ratio and
 * the largest difference between the two outputs; (2) for the tiny bundle, requests through the model path in
 * process — V_F (image + id encoder), the DiT loop, chunked VAE decode, MP4 — with the time per denoising step and
 * the share spent outside ONNX Runtime sessions. {@code config} "tiny" is the committed bundle; "medium" (DiT width
 * 512, 8 layers, 1080 video tokens) is exported into {@link BenchBundleCache} when missing.
 */
public final class GeneratorBenchmark {

    private static final int WARMUP = 3;

    private GeneratorBenchmark() {
    }

    public static void run(String config, Path bundleFolder, String device, boolean spinning, int threads, int runs,
                           int requests, Path portrait, PrintStream out) throws Exception {
        Path tiny = GeneratorBundle.defaultLocation();
        Path models = tiny.toAbsolutePath().getParent();
        Path folder = bundleFolder != null ? bundleFolder : switch (config) {
            case "tiny" -> tiny;
            case "medium" -> new BenchBundleCache(BenchBundleCache.defaultRoot(), models).denoiserBundle(config, out);
            default -> throw new IllegalArgumentException("unknown generator config '" + config + "'; available: tiny, medium");
        };
        boolean cuda = switch (device) {
            case "cpu" -> false;
            case "cuda" -> true;
            default -> throw new IllegalArgumentException("unknown device '" + device + "'; available: cpu, cuda");
        };
        OrtSettings settings = OrtSettings.cpu(threads).withDevice(cuda ? OrtSettings.Device.CUDA : OrtSettings.Device.CPU)
                .withSpinning(spinning);
        try (GeneratorBundle bundle = new GeneratorBundle(ModelBundle.load(folder), OrtRuntime.create(settings))) {
            out.printf("bundle %s at %s, ONNX Runtime %s, %d intra-op threads, 1 inter-op, optimization ALL, spin-waiting %s; "
                    + "load average %s%n", bundle.id(), bundle.bundle().folder(), cuda ? "CUDA" : "CPU", threads,
                    spinning ? "on" : "off", BenchSupport.loadAverage());
            denoiserStep(bundle, cuda ? null : new TorchDenoiserStep(models), threads, runs, out);
            if (bundleFolder == null && "tiny".equals(config) && !cuda && requests > 0) {
                requests(bundle, requests, portrait, out);
            }
        }
    }

    private static void denoiserStep(GeneratorBundle bundle, TorchDenoiserStep torch, int threads, int runs, PrintStream out)
            throws Exception {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        Safetensors.read(Files.readAllBytes(bundle.bundle().folder().resolve("golden/denoiser.safetensors"))).tensors()
                .forEach((k, v) -> {
                    if (k.startsWith("input.")) {
                        feeds.put(k.substring(6), v);
                    }
                });
        OnnxSession session = bundle.session(Role.DENOISER);
        Tensor ortOutput = null;
        for (int i = 0; i < WARMUP; i++) {
            ortOutput = session.run(feeds).get("model_output");
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            session.run(feeds);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        out.printf("denoiser step (golden inputs, latents %s), ONNX Runtime from Java: p50 %.1f ms, p90 %.1f ms, min %.1f ms "
                + "over %d runs (load average %s)%n", Arrays.toString(feeds.get("latents").shape()), percentile(ms, 50),
                percentile(ms, 90), percentile(ms, 0), runs, BenchSupport.loadAverage());
        if (torch == null) {
            out.println("PyTorch comparison skipped on CUDA: time the PyTorch twin with models/fantasyid/bench_gpu.py");
            return;
        }
        String unavailable = torch.unavailableReason();
        if (unavailable != null) {
            out.println("PyTorch comparison skipped: " + unavailable);
            return;
        }
        TorchDenoiserStep.Result t = torch.run(bundle.bundle().folder(), threads, runs, WARMUP);
        JsonNode r = t.report();
        out.printf("denoiser step, PyTorch %s: p50 %.1f ms, p90 %.1f ms, min %.1f ms over %d runs (torch threads %d, OpenBLAS threads %s, "
                        + "OPENBLAS_THREAD_TIMEOUT %s, BLAS %s, OMP_WAIT_POLICY %s, load average %.2f)%n",
                r.path("torch").asText(), r.path("p50_ms").asDouble(), r.path("p90_ms").asDouble(), r.path("min_ms").asDouble(), runs,
                r.path("torch_threads").asInt(), r.path("openblas_num_threads").asText(),
                r.path("openblas_thread_timeout").asText(), r.path("blas"),
                r.path("omp_wait_policy").asText(), r.path("loadavg_1min").asDouble());
        out.printf("ratio PyTorch / ONNX Runtime: p50 %.2f, p90 %.2f, min %.2f (min: the run least disturbed by other load)%n",
                r.path("p50_ms").asDouble() / percentile(ms, 50), r.path("p90_ms").asDouble() / percentile(ms, 90),
                r.path("min_ms").asDouble() / percentile(ms, 0));
        float[] a = ortOutput.toFloatArray();
        float[] b = t.output().toFloatArray();
        if (a.length != b.length) {
            throw new IllegalStateException("ONNX Runtime and PyTorch outputs differ in size: " + a.length + " vs " + b.length);
        }
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            maxAbs = Math.max(maxAbs, Math.abs(b[i]));
        }
        // a float16/bfloat16 bundle states its own tolerance, relative to the output's scale (models/fantasyid/export.py)
        JsonNode relative = bundle.bundle().config().path("goldenTolerance").path("relative");
        boolean within = relative.isNumber() ? maxDiff / maxAbs <= relative.asDouble() : maxDiff <= 1e-4;
        String tolerance = relative.isNumber() ? String.format("%.0e of max |output| (the bundle's goldenTolerance)", relative.asDouble()) : "1e-4";
        out.printf("outputs, ONNX Runtime vs PyTorch: max |diff| %.2e (max |output| %.2f) — %s%n", maxDiff, maxAbs,
                within ? "equal within " + tolerance : "DIFFERENT (more than " + tolerance + ")");
    }


    private static void requests(GeneratorBundle bundle, int requests, Path portrait, PrintStream out) throws Exception {
        BufferedImage reference = ImageIO.read(portrait.toFile());
        if (reference == null) {
            throw new IllegalArgumentException("not a readable image: " + portrait);
        }
        Map<String, Tensor> idGolden = Safetensors.read(Files.readAllBytes(
                bundle.bundle().folder().resolve("golden/id_encoder.safetensors"))).tensors();
        float[] vertices = idGolden.get("input.vertices").toFloatArray();
        BufferedImage crop = ImageTensors.coverResize(reference, 512, 512);
        VideoDenoiser.Request request = new VideoDenoiser.Request("a person smiling and turning their head", "", 42,
                9, 96, 64, 8, 6.0f);
        out.printf("requests in process: %d frames %dx%d, %d steps, CFG %.1f (features → denoise → decode → MP4), first one is warm-up%n",
                request.frames(), request.width(), request.height(), request.steps(), request.guidanceScale());
        double[] total = new double[requests];
        double[] step = new double[requests];
        double[] outside = new double[requests];
        double[] denoiseOutside = new double[requests];
        for (int i = -1; i < requests; i++) {
            long t0 = System.nanoTime();
            long f0 = System.nanoTime();
            Tensor vf = new IdDescriptorEncoder(bundle).encode(crop, vertices);
            long featuresOnnx = System.nanoTime() - f0;
            VideoDenoiser.Result r = new VideoDenoiser(bundle).generate(request, vf, reference, (s, n) -> { });
            long d0 = System.nanoTime();
            List<BufferedImage> frames = new LatentVideoDecoder(bundle, 4).decode(r.latents());
            long decodeOnnx = System.nanoTime() - d0;
            Path mp4 = Files.createTempFile("idstream-bench", ".mp4");
            try {
                Mp4Writer.write(frames, 8, mp4);
            } finally {
                Files.deleteIfExists(mp4);
            }
            long elapsed = System.nanoTime() - t0;
            if (i >= 0) {
                total[i] = elapsed / 1e6;
                step[i] = r.denoiserNanos() / 1e6 / r.steps();
                // features and decode time is nearly all session time; counted as inside ONNX Runtime (upper bound on its share)
                outside[i] = 1.0 - (double) (r.onnxNanos() + featuresOnnx + decodeOnnx) / elapsed;
                denoiseOutside[i] = r.outsideOnnxShare();
            }
        }
        out.printf("per request: median %.1f ms; per denoising step (CFG batch of 2, incl. scheduler): median %.1f ms; "
                + "outside ONNX Runtime: median %.1f%% of the request, %.1f%% of the denoise loop (%d requests)%n",
                BenchSupport.median(total), BenchSupport.median(step), 100 * BenchSupport.median(outside),
                100 * BenchSupport.median(denoiseOutside), requests);
    }

    /** Nearest-rank percentile (the same definition as bench_denoiser.py). */
    private static double percentile(double[] values, int q) {
        double[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(v.length * q / 100.0);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

}
