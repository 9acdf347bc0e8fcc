package dev.idstream.cli.eval;

import dev.idstream.cli.Traceparent;
import dev.idstream.core.Topics;
import dev.idstream.core.config.MetricsStageSettings;
import dev.idstream.events.VideoDecoded;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Re-scores existing videos with another evaluator: copies the selected {@code VideoDecoded} events, unchanged but for
 * a new trace, to {@code idstream.videos.<evaluator>.v1}, which only that evaluator's metrics deployment
 * ({@code metrics.evaluator=<evaluator>}) reads. Its {@code VideoMetrics} keep the request id of the original video
 * and name their evaluator bundle, so scores of different evaluators sit side by side and never mix.
 */
public final class VideoRescore {

    private final Map<String, Object> kafka;
    private final EventPublisher publisher;

    public VideoRescore(Map<String, Object> kafkaClientProps, EventPublisher publisher) {
        this.kafka = kafkaClientProps;
        this.publisher = publisher;
    }

    /** @return the evaluator's input topic, created (with as many partitions as {@code idstream.videos.v1}) if it was missing */
    public String ensureTopic(String evaluator) throws Exception {
        String topic = MetricsStageSettings.forEvaluator(evaluator).inputTopic();
        try (Admin admin = Admin.create(kafka)) {
            Set<String> existing = admin.listTopics().names().get();
            if (existing.contains(topic)) {
                return topic;
            }
            TopicDescription videos = admin.describeTopics(List.of(Topics.VIDEOS)).allTopicNames().get().get(Topics.VIDEOS);
            short replication = (short) videos.partitions().get(0).replicas().size();
            try {
                admin.createTopics(List.of(new NewTopic(topic, videos.partitions().size(), replication))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            return topic;
        }
    }

    /** @return the events sent to {@code topic} */
    public List<VideoDecoded> republish(List<VideoDecoded> videos, String topic) throws Exception {
        List<VideoDecoded> sent = new ArrayList<>();
        for (VideoDecoded video : videos) {
            VideoDecoded again = VideoDecoded.newBuilder(video).setTraceparent(Traceparent.newRoot()).build();
            publisher.publish(topic, again.getRequestId(), again);
            sent.add(again);
        }
        return sent;
    }
}
