package dev.idstream.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium (Debian's {@code chromium}, installed by {@code ./idstream}): a page to a PNG screenshot. */
final class Chromium {

    private Chromium() {
    }

    static Path screenshot(Path html, Path png, int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("idstream-chromium-");
        Path log = png.resolveSibling(png.getFileName() + ".log");
        Process p = new ProcessBuilder(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--screenshot=" + png.toAbsolutePath(),
                "--window-size=" + width + "," + height, html.toUri().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("chromium finished within 120 s (log: " + log + ")").isTrue();
        assertThat(p.exitValue()).as("chromium exit status (log: " + log + ")").isZero();
        return png;
    }
}
