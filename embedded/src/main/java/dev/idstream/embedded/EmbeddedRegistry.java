package dev.idstream.embedded;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry (in-memory storage) in a child JVM on a free loopback port, serving the Confluent Schema
 * Registry API at {@link #ccompatUrl()}.
 *
 * <p>The child dies with this object ({@link #close()}), with this JVM (shutdown hook) and, because it watches its
 * parent process, even when this JVM is killed outright.
 */
public final class EmbeddedRegistry implements AutoCloseable {

    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRegistry.class);
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    private static final int PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_BYTES = 4000;

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Duration startupTime;
    private final Thread shutdownHook;

    private EmbeddedRegistry(Process process, int port, Path logFile, Duration startupTime) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.startupTime = startupTime;
        this.shutdownHook = new Thread(this::stopProcess, "embedded-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a registry that logs to {@code dataDir/apicurio-registry.log}; waits until it serves requests. */
    public static EmbeddedRegistry start(Path dataDir) throws IOException {
        return start(dataDir, DEFAULT_START_TIMEOUT);
    }

    public static EmbeddedRegistry start(Path dataDir, Duration startTimeout) throws IOException {
        ApicurioDistribution distribution = ApicurioDistribution.prepare();
        Files.createDirectories(dataDir);
        Path logFile = dataDir.resolve("apicurio-registry.log");
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            long started = System.nanoTime();
            Process process = launch(distribution, port, logFile);
            try {
                awaitReady(process, port, logFile, startTimeout);
            } catch (PortTakenException e) {
                if (attempt < PORT_ATTEMPTS) {
                    log.info("port {} was taken before the registry bound it; retrying on another port", port);
                    continue;
                }
                throw new IOException("Apicurio Registry could not bind a free port in " + PORT_ATTEMPTS + " attempts"
                        + logTail(logFile), e);
            }
            Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
            log.info("Apicurio Registry {} ready at http://127.0.0.1:{}{} in {} ms (log: {})",
                    ApicurioDistribution.VERSION, port, CCOMPAT_PATH, startupTime.toMillis(), logFile);
            return new EmbeddedRegistry(process, port, logFile, startupTime);
        }
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return baseUrl() + CCOMPAT_PATH;
    }

    /** Base URL of the registry itself (UI, native API under {@code /apis/registry/v2}, health under {@code /health}). */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** From launching the child JVM until the registry answered its first API request. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path logFile() {
        return logFile;
    }

    /** Process id of the registry's JVM. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to; it finds the process already stopped.
        }
    }

    private void stopProcess() {
        destroy(process);
    }

    private static void destroy(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Process launch(ApicurioDistribution distribution, int port, Path logFile) throws IOException {
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                javaBinary,
                "-Xmx256m",
                // Fast start and few threads matter more here than peak throughput.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.initial-size=1",
                "-Dquarkus.datasource.jdbc.min-size=1",
                "-Dquarkus.datasource.jdbc.max-size=10",
                // Compare schemas by canonical form, as Confluent's registry does, not by their exact text.
                "-Dregistry.ccompat.use-canonical-hash=true",
                "-Dquarkus.log.console.color=false",
                "-cp", distribution.runnerJar() + File.pathSeparator + distribution.launcherClassPath(),
                ParentWatchingLauncher.class.getName(),
                Long.toString(ProcessHandle.current().pid()),
                distribution.mainClass()));
        return new ProcessBuilder(command)
                .directory(logFile.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .start();
    }

    private static void awaitReady(Process process, int port, Path logFile, Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + CCOMPAT_PATH + "/subjects"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                String tail = logTail(logFile);
                if (tail.contains("Port already bound") || tail.contains("Address already in use")) {
                    throw new PortTakenException();
                }
                throw new IOException("Apicurio Registry exited with code " + process.exitValue()
                        + " before it was ready" + tail);
            }
            try {
                HttpResponse<Void> response = http.send(probe, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (ConnectException | java.net.http.HttpTimeoutException notYet) {
                // Still starting.
            } catch (IOException notYet) {
                // Connection reset while the server is coming up.
            } catch (InterruptedException e) {
                destroy(process);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for Apicurio Registry", e);
            }
            if (System.nanoTime() > deadline) {
                destroy(process);
                throw new IOException("Apicurio Registry did not answer on port " + port + " within "
                        + timeout.toSeconds() + " s" + logTail(logFile));
            }
            sleep(100);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for Apicurio Registry", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String logTail(Path logFile) {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(0, file.length() - LOG_TAIL_BYTES);
            byte[] tail = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(tail);
            return "\n--- last lines of " + logFile + " ---\n" + new String(tail, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return " (its log " + logFile + " is unreadable: " + e.getMessage() + ")";
        }
    }

    /** The free port found was taken by someone else before the child could bind it. */
    private static final class PortTakenException extends IOException {
        PortTakenException() {
            super("port already in use");
        }
    }
}
