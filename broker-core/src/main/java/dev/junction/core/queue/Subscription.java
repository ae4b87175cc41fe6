package dev.junction.core.queue;

import java.util.HashSet;
import java.util.Set;

/**
 * One consumer's attachment to a queue: what the protocol side calls to settle, requeue, resume or cancel.
 * Its mutable state ({@code unsettled}) is touched only on the queue's shard thread.
 */
public final class Subscription {
    private final Queue queue;
    private final QueueConsumer consumer;
    private final ConsumerOptions options;
    /** Fixed for the subscription's life: what {@link ConsumerSelection#HASH_PUBLISHER} hashes consumers by. */
    final int selectionKey;

    final Set<Long> unsettled = new HashSet<>();
    boolean cancelled;
    /** A dispatch found it without credit: it rejoins the back of the line when it settles something. */
    boolean passedOver;

    Subscription(Queue queue, QueueConsumer consumer, ConsumerOptions options, int selectionKey) {
        this.queue = queue;
        this.consumer = consumer;
        this.options = options;
        this.selectionKey = selectionKey;
    }

    public Queue queue() {
        return queue;
    }

    /** Null for the one-off subscription that carries a message taken with {@link Queue#get(boolean)}. */
    public QueueConsumer consumer() {
        return consumer;
    }

    public ConsumerOptions options() {
        return options;
    }

    /** Settles a delivery for this queue alone (AMQP ack, MQTT PUBACK/PUBCOMP). */
    public void settle(long entryId) {
        queue.settle(this, entryId);
    }

    /** Returns a delivery to the queue (AMQP reject/nack with requeue), to be delivered again, marked redelivered. */
    public void requeue(long entryId) {
        queue.requeue(this, entryId);
    }

    /** Drops a delivery without requeueing it (AMQP reject/nack without requeue): dead-lettered if configured. */
    public void discard(long entryId) {
        queue.discard(this, entryId);
    }

    /** The consumer can take messages again after {@link QueueConsumer#isWritable()} said no. */
    public void resume() {
        queue.resume();
    }

    /** Ends the subscription; its unsettled deliveries go back to the queue. */
    public void cancel() {
        queue.cancel(this, true);
    }

    /**
     * Ends deliveries to the subscription but leaves the ones it holds unsettled, to be settled, requeued or
     * discarded through it later (AMQP basic.cancel: they stay with the channel, as in RabbitMQ).
     */
    public void cancelKeepingUnsettled() {
        queue.cancel(this, false);
    }

    /** Whether the subscription can take one more delivery now; if so, the consumer's claim is made. */
    boolean claimCredit() {
        return !cancelled && (options.prefetch() == 0 || unsettled.size() < options.prefetch())
                && consumer.claimDelivery();
    }
}
