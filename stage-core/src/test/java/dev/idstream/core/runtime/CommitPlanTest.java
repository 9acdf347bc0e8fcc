package dev.idstream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CommitPlanTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    @Test
    void shouldCommitEveryRecordWithTheOffsetAfterTheLastOfEachPartitionWhenAllSucceeded() {
        List<ConsumerRecord<String, byte[]>> records = List.of(record(0, 5), record(0, 6), record(1, 9));
        List<Outcome> outcomes = List.of(emit("a"), emit("b"), emit("c"));

        CommitPlan plan = CommitPlan.of(records, outcomes, p -> true);

        assertThat(plan.committable()).containsExactly(0, 1, 2);
        assertThat(plan.left()).isEmpty();
        assertThat(plan.rewinds()).isEmpty();
        assertThat(plan.nextOffsets(records)).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 7L, P1, 10L));
        assertThat(plan.producerRecords(outcomes)).extracting(ProducerRecord::key).containsExactly("a", "b", "c");
    }

    @Test
    void shouldLeaveTheRestOfAPartitionAndRewindItWhenOneOfItsRecordsIsAbandoned() {
        List<ConsumerRecord<String, byte[]>> records = List.of(record(0, 5), record(0, 6), record(0, 7), record(1, 9));
        List<Outcome> outcomes = List.of(emit("a"), new Outcome.Abandon("cannot serialise", true), emit("c"), emit("d"));

        CommitPlan plan = CommitPlan.of(records, outcomes, p -> true);

        assertThat(plan.committable()).containsExactly(0, 3);
        assertThat(plan.left()).containsOnlyKeys(1, 2);
        assertThat(plan.left().get(2).why()).contains("an earlier record of partition in-0 was not committed");
        assertThat(plan.rewinds()).containsExactlyEntriesOf(Map.of(P0, 6L));
        assertThat(plan.nextOffsets(records)).containsExactlyInAnyOrderEntriesOf(Map.of(P0, 6L, P1, 10L));
    }

    @Test
    void shouldCommitNothingOfAPartitionWhenItWasRevoked() {
        List<ConsumerRecord<String, byte[]>> records = List.of(record(0, 5), record(1, 9), record(1, 10));
        List<Outcome> outcomes = List.of(emit("a"), emit("b"), emit("c"));

        CommitPlan plan = CommitPlan.of(records, outcomes, p -> !p.equals(P1));

        assertThat(plan.committable()).containsExactly(0);
        assertThat(plan.left()).containsOnlyKeys(1, 2);
        assertThat(plan.left().get(1).why()).contains("revoked");
        assertThat(plan.rewinds()).as("the new owner reads it again, not this consumer").isEmpty();
        assertThat(plan.nextOffsets(records)).containsExactlyEntriesOf(Map.of(P0, 6L));
    }

    @Test
    void shouldCommitTheFailureEventLikeAnOutputWhenARequestFailed() {
        List<ConsumerRecord<String, byte[]>> records = List.of(record(0, 5), record(0, 6));
        Outcome.Emit failed = new Outcome.Emit(List.of(new ProducerRecord<>("failures", "b", new byte[0])), "b", "t",
                dev.idstream.events.FailureReason.NO_FACE, Duration.ZERO);

        CommitPlan plan = CommitPlan.of(records, List.of(emit("a"), failed), p -> Set.of(P0).contains(p));

        assertThat(plan.committable()).containsExactly(0, 1);
        assertThat(plan.nextOffsets(records)).containsExactlyEntriesOf(Map.of(P0, 7L));
    }

    private static ConsumerRecord<String, byte[]> record(int partition, long offset) {
        return new ConsumerRecord<>("in", partition, offset, "k" + offset, new byte[0]);
    }

    private static Outcome.Emit emit(String key) {
        return new Outcome.Emit(List.of(new ProducerRecord<>("out", key, new byte[0])), key, "t", null, Duration.ZERO);
    }
}
