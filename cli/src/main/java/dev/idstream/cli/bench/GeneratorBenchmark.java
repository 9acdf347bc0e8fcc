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
import java.util.ArrayList;
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
 * 512, 8 layers, 1080 video tokens) is exported into {@link BenchBundleCache} when missing. {@code attention} "fused"
 * times a denoiser exported with com.microsoft::MultiHeadAttention (export.py --attention fused) instead of the plain
 * MatMul-Softmax-MatMul graph; "both" times the two exports of the same seeded model in one process, run for run
 * in turn (so both see the same load), and prints the largest difference between their outputs.
 */
public final class GeneratorBenchmark {

    private static final int WARMUP = 3;

    /** One denoiser's timed runs (milliseconds) and its output on the golden inputs. */
    private record Step(String attention, double[] ms, Tensor output) {
    }

    private GeneratorBenchmark() {
    }

    public static void run(String config, String attention, Path bundleFolder, int[] latentGrid, String device, boolean spinning,
                           int threads, int runs, int requests, Path portrait, PrintStream out) throws Exception {
        if (latentGrid != null && (latentGrid.length != 3 || Arrays.stream(latentGrid).anyMatch(v -> v < 1))) {
            throw new IllegalArgumentException("--latent needs three positive sizes F,H,W (latent frames, height, width), got "
                    + Arrays.toString(latentGrid));
        }
        Path tiny = GeneratorBundle.defaultLocation();
        Path models = tiny.toAbsolutePath().getParent();
        List<String> kinds = switch (attention) {
            case "plain", "fused" -> List.of(attention);
            case "both" -> List.of("plain", "fused");
            default -> throw new IllegalArgumentException("unknown attention '" + attention + "'; available: plain, fused, both");
        };
        if (!List.of("tiny", "medium").contains(config)) {
            throw new IllegalArgumentException("unknown generator config '" + config + "'; available: tiny, medium");
        }
        if (bundleFolder != null && !"plain".equals(attention)) {
            throw new IllegalArgumentException("--attention " + attention + " applies to --config exports; a --bundle folder's "
                    + "denoiser is timed as it was exported");
        }
        BenchBundleCache cache = new BenchBundleCache(BenchBundleCache.defaultRoot(), models);
        Map<String, Path> folders = new LinkedHashMap<>();
        for (String kind : kinds) {
            folders.put(kind, bundleFolder != null ? bundleFolder
                    : "tiny".equals(config) && "plain".equals(kind) ? tiny : cache.denoiserBundle(config, kind, out));
        }
        boolean cuda = switch (device) {
            case "cpu" -> false;
            case "cuda" -> true;
            default -> throw new IllegalArgumentException("unknown device '" + device + "'; available: cpu, cuda");
        };
        OrtSettings settings = OrtSettings.cpu(threads).withDevice(cuda ? OrtSettings.Device.CUDA : OrtSettings.Device.CPU)
                .withSpinning(spinning);
        OrtRuntime runtime = OrtRuntime.create(settings);
        List<GeneratorBundle> bundles = new ArrayList<>();
        try {
            for (Path folder : folders.values()) {
                bundles.add(new GeneratorBundle(ModelBundle.load(folder), runtime));
            }
            for (int i = 0; i < bundles.size(); i++) {
                out.printf("%s attention: bundle %s at %s%n", kinds.get(i), bundles.get(i).id(), bundles.get(i).bundle().folder());
            }
            out.printf("ONNX Runtime %s, %d intra-op threads, 1 inter-op, optimization ALL, spin-waiting %s; load average %s%n",
                    cuda ? "CUDA" : "CPU", threads, spinning ? "on" : "off", BenchSupport.loadAverage());
            List<Step> steps = denoiserSteps(bundles, kinds, latentGrid, runs, out);
            if (steps.size() == 2) {
                out.printf("outputs, plain vs fused attention (ONNX Runtime): max |diff| %.2e%n",
                        maxDiff(steps.get(0).output(), steps.get(1).output()));
            }
            if (latentGrid != null) {
                out.println("PyTorch comparison skipped: --latent replaces the golden latents PyTorch is run on");
            } else {
                torchComparison(bundles.get(0), cuda ? null : new TorchDenoiserStep(models), threads, runs, steps, out);
            }
            if (bundleFolder == null && "tiny".equals(config) && kinds.equals(List.of("plain")) && !cuda && requests > 0) {
                requests(bundles.get(0), requests, portrait, out);
            }
        } finally {
            for (GeneratorBundle bundle : bundles) {
                bundle.close();
            }
        }
    }

    /** Times each bundle's denoiser on its golden inputs, one run of each in turn. */
    private static List<Step> denoiserSteps(List<GeneratorBundle> bundles, List<String> kinds, int[] latentGrid, int runs,
                                            PrintStream out) throws Exception {
        List<Map<String, Tensor>> feeds = new ArrayList<>();
        List<OnnxSession> sessions = new ArrayList<>();
        List<Tensor> outputs = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        for (GeneratorBundle bundle : bundles) {
            Map<String, Tensor> golden = goldenInputs(bundle);
            if (latentGrid != null) {
                golden.put("latents", seededLatents(golden.get("latents").shape(), latentGrid));
            }
            feeds.add(golden);
            sessions.add(bundle.session(Role.DENOISER));
        }
        for (int b = 0; b < bundles.size(); b++) {
            Tensor output = null;
            for (int i = 0; i < WARMUP; i++) {
                output = sessions.get(b).run(feeds.get(b)).get("model_output");
            }
            outputs.add(output);
        }
        double[][] ms = new double[bundles.size()][runs];
        for (int i = 0; i < runs; i++) {
            for (int b = 0; b < bundles.size(); b++) {
                long t0 = System.nanoTime();
                sessions.get(b).run(feeds.get(b));
                ms[b][i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        for (int b = 0; b < bundles.size(); b++) {
            steps.add(new Step(kinds.get(b), ms[b], outputs.get(b)));
            out.printf("denoiser step, %s attention (%s, latents %s), ONNX Runtime from Java: p50 %.1f ms, p90 %.1f ms, "
                    + "min %.1f ms over %d runs (load average %s)%n", kinds.get(b), latentGrid == null ? "golden inputs" : "seeded latents",
                    Arrays.toString(feeds.get(b).get("latents").shape()),
                    percentile(ms[b], 50), percentile(ms[b], 90), percentile(ms[b], 0), runs, BenchSupport.loadAverage());
        }
        if (bundles.size() == 2) {
            out.printf("ratio plain / fused: p50 %.2f, min %.2f%n", percentile(ms[0], 50) / percentile(ms[1], 50),
                    percentile(ms[0], 0) / percentile(ms[1], 0));
        }
        return steps;
    }

    /** Gaussian latents (seed 0) of the golden batch and channels on another latent grid: the size a bundle traced small runs at. */
    private static Tensor seededLatents(long[] golden, int[] grid) {
        long[] shape = {golden[0], grid[0], golden[2], grid[1], grid[2]};
        float[] values = new float[Math.toIntExact(Tensor.elementCount(shape))];
        java.util.Random random = new java.util.Random(0);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return Tensor.ofFloats(shape, values);
    }

    private static Map<String, Tensor> goldenInputs(GeneratorBundle bundle) throws Exception {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        Safetensors.read(Files.readAllBytes(bundle.bundle().folder().resolve("golden/denoiser.safetensors"))).tensors()
                .forEach((k, v) -> {
                    if (k.startsWith("input.")) {
                        feeds.put(k.substring(6), v);
                    }
                });
        return feeds;
    }

    /** The PyTorch step (same seeded weights as the first bundle) and each ONNX Runtime output against its output. */
    private static void torchComparison(GeneratorBundle bundle, TorchDenoiserStep torch, int threads, int runs, List<Step> steps,
                                        PrintStream out) throws Exception {
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
        double maxAbs = 0;
        for (float v : t.output().toFloatArray()) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        // a float16/bfloat16 bundle states its own tolerance, relative to the output's scale (models/fantasyid/export.py)
        JsonNode relative = bundle.bundle().config().path("goldenTolerance").path("relative");
        double limit = relative.isNumber() ? relative.asDouble() * maxAbs : 1e-4;
        String tolerance = relative.isNumber()
                ? String.format("%.0e of max |output| (the bundle's goldenTolerance)", relative.asDouble()) : "1e-4";
        for (Step step : steps) {
            out.printf("ratio PyTorch / ONNX Runtime (%s attention): p50 %.2f, p90 %.2f, min %.2f (min: the run least disturbed "
                    + "by other load)%n", step.attention(), r.path("p50_ms").asDouble() / percentile(step.ms(), 50),
                    r.path("p90_ms").asDouble() / percentile(step.ms(), 90), r.path("min_ms").asDouble() / percentile(step.ms(), 0));
            double diff = maxDiff(step.output(), t.output());
            out.printf("outputs, ONNX Runtime (%s attention) vs PyTorch: max |diff| %.2e (max |output| %.2f) — %s%n",
                    step.attention(), diff, maxAbs, diff <= limit ? "equal within " + tolerance : "DIFFERENT (more than " + tolerance + ")");
        }
    }

    private static double maxDiff(Tensor x, Tensor y) {
        float[] a = x.toFloatArray();
        float[] b = y.toFloatArray();
        if (a.length != b.length) {
            throw new IllegalStateException("outputs differ in size: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
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
