package dev.junction.server.amqp;

import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueConsumer;
import dev.junction.core.queue.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A basic.consume: the queue calls it on its shard thread and it hands everything to the connection's event loop.
 * Fields other than the final ones are event-loop state. Deliveries that arrive before consume-ok has been written
 * are held back, because a client must not see a delivery for a tag it does not know yet.
 */
final class ChannelConsumer implements QueueConsumer {
    final ChannelConsumers side;
    private final AmqpConnection connection;
    final String tag;
    final boolean autoAck;
    /** As basic.consume gave them, for the management API. */
    final Map<String, Object> arguments;

    Subscription subscription;
    boolean cancelled;
    private boolean announced;
    private List<Delivery> held;

    ChannelConsumer(ChannelConsumers side, AmqpConnection connection, String tag, boolean autoAck,
                    Map<String, Object> arguments) {
        this.side = side;
        this.connection = connection;
        this.tag = tag;
        this.autoAck = autoAck;
        this.arguments = arguments;
        connection.prepareForDeliveries();
    }

    @Override
    public void deliver(Delivery delivery) {
        connection.offerDelivery(delivery);
    }

    @Override
    public void queueDeleted(Queue queue) {
        connection.execute(() -> side.consumerQueueDeleted(this));
    }

    @Override
    public boolean isWritable() {
        return side.canTakeDeliveries();
    }

    /** Deliveries to be acknowledged count against the channel-wide prefetch from the moment they are claimed. */
    @Override
    public boolean claimDelivery() {
        return autoAck ? side.canTakeDeliveries() : side.claimDelivery();
    }

    @Override
    public void releaseClaim() {
        if (!autoAck) {
            side.releaseClaim();
        }
    }

    /** Returns false if the delivery has to wait for consume-ok; it is then kept until {@link #announced()}. */
    boolean readyFor(Delivery delivery) {
        if (announced) {
            return true;
        }
        if (held == null) {
            held = new ArrayList<>();
        }
        held.add(delivery);
        return false;
    }

    /** consume-ok is written: the deliveries held back go out now, in order. */
    void announced() {
        announced = true;
        if (held != null) {
            List<Delivery> waiting = held;
            held = null;
            waiting.forEach(side::deliver);
        }
    }

    /** Null until the queue has accepted the subscription. */
    ConsumerSnapshot snapshot() {
        if (subscription == null) {
            return null;
        }
        var options = subscription.options();
        return new ConsumerSnapshot(tag, subscription.queue().name(), !options.autoAck(), options.exclusive(),
                options.prefetch(), arguments);
    }
}
