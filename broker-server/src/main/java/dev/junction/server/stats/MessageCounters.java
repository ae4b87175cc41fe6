package dev.junction.server.stats;

import dev.junction.core.metrics.LatencyHistogram;

import java.util.concurrent.atomic.LongAdder;

/**
 * One protocol's message flow since start, for {@code /metrics}: striped adders, so the handlers count on their hot
 * paths without contending, read only when scraped.
 */
public final class MessageCounters {
    /** Messages clients published. */
    public final LongAdder published = new LongAdder();
    /** Published messages that reached at least one queue. */
    public final LongAdder routed = new LongAdder();
    /** Published messages that reached no queue. */
    public final LongAdder unroutable = new LongAdder();
    /** Messages sent to clients. */
    public final LongAdder delivered = new LongAdder();
    /** Deliveries the client acknowledged. */
    public final LongAdder acknowledged = new LongAdder();
    /** Deliveries sent again (AMQP redelivered flag, MQTT DUP). */
    public final LongAdder redelivered = new LongAdder();
    /** Messages the protocol side discarded: AMQP unroutable and not mandatory, MQTT not deliverable or over a limit. */
    public final LongAdder dropped = new LongAdder();
    /** From the core message's creation at publish to its hand-over to a subscriber's connection. */
    public final LatencyHistogram deliveryLatency = new LatencyHistogram();

    /** A message taken from a queue goes out to a client now. */
    public void delivering(long publishedAtNanos, boolean redelivery) {
        delivered.increment();
        deliveryLatency.record(System.nanoTime() - publishedAtNanos);
        if (redelivery) {
            redelivered.increment();
        }
    }
}
