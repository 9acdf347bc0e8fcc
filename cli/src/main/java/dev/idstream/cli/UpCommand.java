package dev.idstream.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Keeps the embedded pipeline running so that submit, status and external stage processes can use it. */
@Command(name = "up", mixinStandardHelpOptions = true, description = "Run the embedded infrastructure (and stages) until Ctrl-C; writes the connection settings to a file.")
final class UpCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = ".idstream/up")
    Path dataDir;

    @Option(names = "--stages", split = ",", defaultValue = "detect,features,denoise,decode,metrics,aggregates",
            description = "Stages to run in this process, 'aggregates' being the Kafka Streams status and summary application (empty for infrastructure only).")
    List<String> stages;

    @Override
    public Integer call() throws Exception {
        Logging.quiet();
        List<String> names = stages.stream().filter(s -> !s.isBlank()).toList();
        try (EmbeddedPipeline pipeline = EmbeddedPipeline.start(DataDirs.fresh(dataDir), names,
                EmbeddedPipeline.settingsFromEnvironment())) {
            Path env = pipeline.writeConnectionProperties(dataDir.resolve("connection.properties"));
            System.out.println("embedded pipeline up with stages " + names + "; connection settings in " + env);
            System.out.println("  e.g. ./idstream submit IMAGE --prompt '...' --config " + env);
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
