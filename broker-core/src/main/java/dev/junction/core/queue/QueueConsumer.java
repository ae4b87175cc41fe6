package dev.junction.core.queue;

/**
 * The protocol side of a subscription to a queue. Every call comes on the queue's shard thread and must hand work
 * over to the consumer's own thread (its connection's event loop) without blocking.
 */
public interface QueueConsumer {
    /** A message for this consumer; it owns one reference to the message until it settles or drops it. */
    void deliver(Delivery delivery);

    /** The queue was deleted under the consumer (AMQP sends basic.cancel). Unsettled deliveries are void. */
    void queueDeleted(Queue queue);

    /**
     * Whether the consumer can take a message now: false while its connection's outbound buffer is full, so the
     * queue holds messages instead of growing memory on the socket side. It calls {@link Subscription#resume()}
     * when it can take more.
     */
    default boolean isWritable() {
        return true;
    }

    /**
     * Whether a client is there to take deliveries at all. A queue whose consumers are all offline (an MQTT
     * persistent session between connections stays subscribed, to keep its in-flight messages) is a buffer, not a
     * brake: it does not hold its publishers back. A consumer going offline calls {@link Subscription#resume()} so
     * the queue looks again.
     */
    default boolean isOnline() {
        return true;
    }

    /**
     * Claims room for one delivery just before the queue takes a message out for it, for limits this consumer
     * shares with consumers of other queues, whose shards claim concurrently (AMQP's channel-wide prefetch). A
     * claim that succeeds is followed by exactly one {@link #deliver} or one {@link #releaseClaim()}. A consumer
     * refused here is not asked again until it calls {@link Subscription#resume()}.
     */
    default boolean claimDelivery() {
        return isWritable();
    }

    /** The queue found nothing to deliver after all (the ready messages had expired): the claim is given back. */
    default void releaseClaim() {
    }
}
