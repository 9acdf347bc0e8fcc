package dev.idstream.core.runtime;

import dev.idstream.core.Topics;
import dev.idstream.core.config.KafkaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the pipeline's topics ({@link Topics#ALL}) that do not exist yet; compacted ones with {@code cleanup.policy=compact}. */
public final class PipelineTopics {

    private PipelineTopics() {}

    /** @return the topics that were created (empty when all existed) */
    public static List<String> ensure(KafkaSettings kafka, int partitions, short replicationFactor) {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String name : Topics.ALL) {
                if (!existing.contains(name)) {
                    NewTopic topic = new NewTopic(name, partitions, replicationFactor);
                    if (Topics.COMPACTED.contains(name)) {
                        topic.configs(Map.of("cleanup.policy", "compact"));
                    }
                    missing.add(topic);
                }
            }
            List<String> created = new ArrayList<>();
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get();
                    created.add(result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics at " + kafka.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
