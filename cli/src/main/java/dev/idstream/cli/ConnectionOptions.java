package dev.idstream.cli;

import dev.idstream.core.config.StageConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the Kafka cluster, registry and S3 are: a properties file and/or IDSTREAM_* environment variables. */
final class ConnectionOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file (keys as in the README); IDSTREAM_* environment variables override it.")
    Path configFile;

    StageConfig load() {
        return StageConfig.load(configFile, System.getenv());
    }

    /** Whether a cluster was named at all (a file, or the bootstrap servers in the environment). */
    boolean given() {
        return configFile != null || System.getenv("IDSTREAM_KAFKA_BOOTSTRAP_SERVERS") != null;
    }
}
