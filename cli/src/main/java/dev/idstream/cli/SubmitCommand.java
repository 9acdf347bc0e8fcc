package dev.idstream.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What an upstream app does, from the shell: upload, publish, follow with a progress bar, print the outcome. */
@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit a generation request for a reference image and follow it.")
final class SubmitCommand implements Callable<Integer> {

    @Parameters(paramLabel = "IMAGE", description = "Reference photo (JPEG, PNG or WebP) of one person.")
    Path image;

    @Option(names = "--reference-video", paramLabel = "VIDEO",
            description = "A video of the same person: detect adds the faces with the most different head poses (multi-view face set).")
    Path referenceVideo;

    @Mixin
    GenerationOptions generation;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--timeout", defaultValue = "600", description = "Seconds to follow the request.")
    long timeoutSeconds;

    @Option(names = "--output", defaultValue = "idstream-out", description = "Where the finished video is saved.")
    Path output;

    @Override
    public Integer call() throws Exception {
        Logging.quiet();
        var outcome = Submission.run(connection.load(), image, referenceVideo, generation.toParams(), Duration.ofSeconds(timeoutSeconds), output, System.out);
        return outcome.succeeded() ? 0 : 2;
    }
}
