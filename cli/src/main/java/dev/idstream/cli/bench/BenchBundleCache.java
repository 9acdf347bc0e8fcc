package dev.idstream.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Generator bundles that only benchmarks need (e.g. the medium configuration, 160 MB of seeded random weights): not
 * committed, but exported by models/fantasyid/export.py into {@code ~/.cache/idstream/bench/generator-<config>} the
 * first time they are asked for. Delete the folder to export it again (e.g. after the config changed).
 */
final class BenchBundleCache {


    private final Path root;
    private final Path exportScript;

    BenchBundleCache(Path root, Path modelsFolder) {
        this.root = root;
        this.exportScript = modelsFolder.resolve("fantasyid").resolve("export.py");
    }

    static Path defaultRoot() {
        return Path.of(System.getProperty("user.home"), ".cache", "idstream", "bench");
    }

    /**
     * The bundle folder of {@code config} with at least the denoiser role, its attention exported {@code attention}
     * ("plain" or "fused", export.py --attention), exported (seed 0) if missing.
     */
    Path denoiserBundle(String config, String attention, java.io.PrintStream out) throws IOException, InterruptedException {
        Path folder = root.resolve("generator-" + config + ("plain".equals(attention) ? "" : "-" + attention));
        if (Files.isRegularFile(folder.resolve("bundle.json"))) {
            return folder;
        }
        if (!Files.isExecutable(BenchSupport.PYTHON) || !Files.isRegularFile(exportScript)) {
            throw new IllegalStateException("the " + config + " bundle is not in " + folder + " and cannot be exported: needs "
                    + BenchSupport.PYTHON + " with Debian's python3-torch and " + exportScript);
        }
        Files.createDirectories(root);
        Path staging = Files.createTempDirectory(root, "export-" + config + "-");
        out.printf("exporting the %s denoiser (%s attention) from seeded weights into %s (once) ...%n", config, attention, folder);
        try {
            BenchSupport.run(new ProcessBuilder(BenchSupport.PYTHON.toString(), exportScript.toString(), "--config", config, "--seed", "0",
                    "--roles", "denoiser", "--attention", attention, "--out", staging.toString()), Duration.ofMinutes(10));
            // the folder appears complete or not at all (a leftover folder without bundle.json must be removed by hand)
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(staging)) {
                deleteTree(staging);
            }
        }
        return folder;
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
