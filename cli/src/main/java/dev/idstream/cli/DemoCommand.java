package dev.idstream.cli;

import dev.idstream.core.config.StageConfig;
import dev.idstream.core.generator.GeneratorBundle;
import dev.idstream.core.onnx.ModelBundle;
import dev.idstream.events.GenerationParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One command, one machine: the real infrastructure on loopback, all five stages, one request from start to end. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Start embedded Kafka, Schema Registry, S3 and all five stages; generate one video.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--image", defaultValue = "../shared/data/portraits/d9.jpg", description = "Reference image.")
    Path image;

    @Option(names = "--prompt", defaultValue = "a person smiling and turning their head, soft daylight")
    String prompt;

    @Option(names = "--data-dir", defaultValue = ".idstream/demo", description = "Emptied and reused on every run.")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        Logging.quiet();
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException("the demo image " + image + " is missing: the demo reads ../shared/data "
                    + "beside the repository, or pass --image PATH");
        }
        System.out.println("IDStream demo: starting a Kafka 4.3.1 KRaft broker, Apicurio Registry 2.6.13 (Confluent API) and "
                + "S3Proxy 4.1.0 on loopback, the stages detect → features → denoise → decode → metrics and the Kafka Streams aggregates ...");
        long start = System.nanoTime();
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(DataDirs.fresh(dataDir), EmbeddedPipeline.everything(),
                EmbeddedPipeline.settingsFromEnvironment())) {
            StageConfig config = pipeline.config();
            System.out.printf("ready in %.1f s: kafka %s, registry %s, s3 %s%n", (System.nanoTime() - start) / 1e9,
                    config.kafka().bootstrapServers(), config.registry().url(), config.s3().endpoint());
            Path generatorFolder = config.generator().bundle() != null ? config.generator().bundle() : GeneratorBundle.defaultLocation();
            ModelBundle generator = ModelBundle.load(generatorFolder);
            System.out.println("NOTE: the generator is " + generator.name() + " " + generator.version() + " (" + generatorFolder
                    + "): " + generator.description());
            if (generator.description().startsWith("UNTRAINED")) {
                System.out.println("      The video is noise-like, not a likeness, so the metrics will mostly find no face in it "
                        + "(scores null). Detection and the metrics use real pretrained face models.");
            }
            GenerationParams params = GenerationParams.newBuilder().setPrompt(prompt).build();
            var outcome = Submission.run(config, image, params, Duration.ofMinutes(5), dataDir.resolve("out"), System.out);
            return outcome.succeeded() ? 0 : 2;
        }
    }
}
