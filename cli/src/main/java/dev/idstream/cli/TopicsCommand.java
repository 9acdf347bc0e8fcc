package dev.idstream.cli;

import dev.idstream.core.Topics;
import dev.idstream.core.config.MetricsStageSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Creates IDStream's topics on an external cluster (the compose topic-init job runs this). */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Create the IDStream topics that do not exist yet.")
final class TopicsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ACTION", description = "create")
    String action;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions bound how many replicas of a stage work in parallel.")
    int partitions;

    @Option(names = "--replication", defaultValue = "1")
    short replication;

    @Option(names = "--evaluator", split = ",", paramLabel = "E",
            description = "Also create idstream.videos.E.v1, the input of the re-scoring metrics deployment E (metrics.evaluator=E).")
    List<String> evaluators = List.of();

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        if (!"create".equals(action)) {
            throw new IllegalArgumentException("unknown action '" + action + "'; the only action is 'create'");
        }
        try (Admin admin = Admin.create(connection.load().kafka().clientConfig())) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            List<String> names = new ArrayList<>(Topics.ALL);
            evaluators.forEach(e -> names.add(MetricsStageSettings.forEvaluator(e).inputTopic()));
            for (String name : names) {
                if (!existing.contains(name)) {
                    NewTopic topic = new NewTopic(name, partitions, replication);
                    if (Topics.COMPACTED.contains(name)) {
                        topic.configs(Map.of("cleanup.policy", "compact"));
                    }
                    missing.add(topic);
                }
            }
            admin.createTopics(missing).all().get();
            System.out.println("created " + missing.size() + " topics, " + (names.size() - missing.size()) + " existed already");
        }
        return 0;
    }
}
