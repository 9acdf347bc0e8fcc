package dev.idstream.face;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** The shared test data (../shared/data); tests skip with a message when it is absent. */
final class SharedData {

    private SharedData() {
    }

    static Path dir(String sub) {
        Path d = ProjectPaths.sharedData().resolve(sub);
        assumeTrue(Files.isDirectory(d), "shared test data " + d + " is absent");
        return d;
    }

    static List<Path> files(String sub) {
        try (Stream<Path> s = Files.walk(dir(sub))) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.(png|jpg|jpeg|mp4)$")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RgbImage image(Path file) {
        try {
            return RgbImage.of(ImageIO.read(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
