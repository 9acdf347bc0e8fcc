/**
 * The stage runtime: runs any {@link dev.idstream.core.Stage} as an exactly-once Kafka consumer-producer.
 *
 * <p>Entry point: {@link dev.idstream.core.runtime.StageRunner}. Guarantees, per input record:
 * <ul>
 *   <li>One transaction holds the output event (to {@code stage.outputTopic()}) and the input's offset commit;
 *       read_committed consumers see exactly one output per input, across crashes, rebalances and producer fencing.
 *       The runtime writes no {@code RequestStatus}: the aggregates application (Kafka Streams) derives the status
 *       table from the events, so it has a single writer.
 *   <li>A request that fails gets exactly one {@code StageFailed} (to {@code idstream.failures.v1}),
 *       in the same kind of transaction: bad input at once; transient faults after bounded retries with backoff;
 *       unreadable records as UNREADABLE_EVENT; anything else as INTERNAL with the exception chain. The partition moves on.
 *   <li>Steps run on a worker thread while the loop keeps polling with its partitions paused, so a step longer than
 *       {@code max.poll.interval.ms} does not cost the group membership. A result whose partition was revoked during the
 *       step is not committed; the new owner processes the input again.
 *   <li>{@code StageProgress} is published at once, outside the transaction, by an idempotent producer: followers see it
 *       live, and progress repeats when a step is redone.
 *   <li>A {@link dev.idstream.core.BatchingStage} gets the records one poll returns (up to {@code runtime.batch.max.size},
 *       never waiting for more) as batches of equal key; their outcomes and offsets, across partitions, commit in one
 *       transaction. Each record is validated alone, and a batch that fails is redone one record at a time, so the
 *       guarantees above hold per record.
 *   <li>Every produced record carries the W3C {@code traceparent} header of the stage's span (a child of the input's);
 *       outputs with a {@code traceparent} field get it there too. Logs carry MDC {@code stage} and {@code requestId}.
 * </ul>
 * Metrics (Prometheus, {@code /metrics}) and {@code /health} are served on {@code runtime.http.port}.
 */
package dev.idstream.core.runtime;
