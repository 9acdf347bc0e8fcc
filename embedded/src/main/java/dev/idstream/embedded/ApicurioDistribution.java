package dev.idstream.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The runnable Apicurio Registry distribution ({@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}),
 * unpacked once into a cache directory and reused by every later start.
 *
 * <p>The tar.gz is unpacked with the system {@code tar} command: the JDK has no tar reader and Apache
 * commons-compress is not on this module's class path.
 */
final class ApicurioDistribution {

    static final String VERSION = "2.6.13.Final";
    static final String DIST_PROPERTY = "idstream.apicurio.dist";
    static final String CACHE_PROPERTY = "idstream.cache.dir";
    private static final String RUNNER_JAR = "apicurio-registry-app-" + VERSION + "-runner.jar";
    private static final String MAIN_CLASS = "io.quarkus.runner.GeneratedMain";
    private static final String LAUNCHER_CLASS_FILE = "dev/idstream/embedded/ParentWatchingLauncher.class";

    private final Path home;

    private ApicurioDistribution(Path home) {
        this.home = home;
    }

    /** Finds the distribution archive and unpacks it into the cache unless that was done before. */
    static synchronized ApicurioDistribution prepare() throws IOException {
        Path target = cacheRoot().resolve("apicurio-registry-" + VERSION);
        if (!Files.isRegularFile(target.resolve(RUNNER_JAR))) {
            unpack(locateArchive(), target);
        }
        ApicurioDistribution distribution = new ApicurioDistribution(target);
        distribution.installLauncher();
        return distribution;
    }

    Path runnerJar() {
        return home.resolve(RUNNER_JAR);
    }

    Path launcherClassPath() {
        return home.resolve("idstream-launcher");
    }

    String mainClass() {
        return MAIN_CLASS;
    }

    static Path locateArchive() {
        String override = System.getProperty(DIST_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path archive = Path.of(override);
            if (!Files.isRegularFile(archive)) {
                throw new IllegalStateException("-D" + DIST_PROPERTY + " points to " + archive + ", which is not a file");
            }
            return archive;
        }
        String repo = System.getProperty("maven.repo.local");
        Path repository = repo != null && !repo.isBlank()
                ? Path.of(repo)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path archive = repository.resolve(Path.of("io", "apicurio", "apicurio-registry-app", VERSION,
                "apicurio-registry-app-" + VERSION + "-all.tar.gz"));
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Apicurio Registry distribution not found at " + archive
                    + ". Let Maven fetch it (it is a dependency of idstream-embedded: io.apicurio:apicurio-registry-app:"
                    + VERSION + ":tar.gz:all) or point -D" + DIST_PROPERTY + " at the tar.gz.");
        }
        return archive;
    }

    private static Path cacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY);
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "idstream");
    }

    /** Unpacks into a temporary sibling and renames it, so a half-unpacked directory is never mistaken for a complete one. */
    private static void unpack(Path archive, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".unpacking-");
        try {
            runTar(archive, temp);
            if (!Files.isRegularFile(temp.resolve(RUNNER_JAR))) {
                throw new IOException(archive + " does not contain " + RUNNER_JAR + "; is it the ':tar.gz:all' distribution?");
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another process won the race and unpacked the same archive: use theirs.
                if (!Files.isRegularFile(target.resolve(RUNNER_JAR))) {
                    throw e;
                }
            }
        } finally {
            deleteRecursively(temp);
        }
    }

    private static void runTar(Path archive, Path into) throws IOException {
        Process tar;
        try {
            tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run 'tar' to unpack " + archive + " (is tar installed?)", e);
        }
        try {
            String output = new String(tar.getInputStream().readAllBytes());
            if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                tar.destroyForcibly();
                throw new IOException("tar failed to unpack " + archive + ": " + output.strip());
            }
        } catch (InterruptedException e) {
            tar.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unpacking " + archive, e);
        }
    }

    /** Copies {@link ParentWatchingLauncher} next to the distribution, so the child's class path holds nothing else of ours. */
    private void installLauncher() throws IOException {
        Path classFile = launcherClassPath().resolve(LAUNCHER_CLASS_FILE);
        try (InputStream in = ApicurioDistribution.class.getClassLoader().getResourceAsStream(LAUNCHER_CLASS_FILE)) {
            if (in == null) {
                throw new IllegalStateException(LAUNCHER_CLASS_FILE + " is missing from the class path");
            }
            byte[] bytes = in.readAllBytes();
            if (Files.isRegularFile(classFile) && Arrays.equals(Files.readAllBytes(classFile), bytes)) {
                return;
            }
            Files.createDirectories(classFile.getParent());
            Path temp = Files.createTempFile(classFile.getParent(), "launcher", ".tmp");
            Files.write(temp, bytes);
            Files.move(temp, classFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
