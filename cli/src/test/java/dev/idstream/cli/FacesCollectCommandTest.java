package dev.idstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./idstream faces collect} on a real clip with the real face bundle. */
class FacesCollectCommandTest {

    @TempDir
    Path out;

    @Test
    void shouldWriteTheCropsTheirFramesAndPosesAndAContactSheet() throws Exception {
        Path video = SharedData.file("videos/d11.mp4");

        int code = new CommandLine(new Main()).execute("faces", "collect", video.toString(), "--k", "4", "--frames", "10",
                "--out", out.toString());

        assertThat(code).isZero();
        JsonNode json = new ObjectMapper().readTree(out.resolve("faces.json").toFile());
        assertThat(json.get("framesSampled").asInt()).isEqualTo(10);
        JsonNode faces = json.get("faces");
        assertThat(faces).hasSize(4);
        Set<Integer> frames = new HashSet<>();
        for (JsonNode face : faces) {
            frames.add(face.get("frame").asInt());
            assertThat(face.get("frame").asInt()).isBetween(0, json.get("frameCount").asInt() - 1);
            assertThat(face.has("yaw") && face.has("pitch") && face.has("roll")).isTrue();
            BufferedImage crop = ImageIO.read(out.resolve(face.get("file").asText()).toFile());
            assertThat(crop.getWidth()).isEqualTo(512);
            assertThat(crop.getHeight()).isEqualTo(512);
        }
        assertThat(frames).as("four different frames").hasSize(4);
        BufferedImage sheet = ImageIO.read(out.resolve("contact-sheet.png").toFile());
        assertThat(sheet.getWidth() * sheet.getHeight()).as("room for four 256-pixel tiles").isGreaterThanOrEqualTo(4 * 256 * 256);
        assertThat(Files.list(out).filter(p -> p.getFileName().toString().startsWith("view-")).count()).isEqualTo(4);
    }

    @Test
    void shouldFailWithAMessageForAMissingVideo() {
        CommandLine cli = new CommandLine(new Main());
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(e.getMessage());
            return 1;
        });

        int code = cli.execute("faces", "collect", out.resolve("missing.mp4").toString(), "--out", out.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("no such video file: ").contains("missing.mp4");
    }
}
