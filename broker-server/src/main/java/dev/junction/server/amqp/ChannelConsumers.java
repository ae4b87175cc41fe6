package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpCommand;
import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.amqp.codec.method.Basic;
import dev.junction.core.Arguments;
import dev.junction.core.message.Message;
import dev.junction.core.queue.ConsumerOptions;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.Subscription;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.server.amqp.ResourceAccess.Kind;
import dev.junction.server.stats.MessageCounters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The consumer side of one channel: basic.consume, cancel and get, the direct reply-to consumer, prefetch,
 * deliveries and their settlement (ack, reject, nack, recover). Event-loop state, except what the queues' shard
 * threads read through {@link #canTakeDeliveries()}, {@link #claimDelivery()} and {@link #releaseClaim()}.
 */
final class ChannelConsumers {
    private final ChannelReplies replies;
    private final AmqpConnection connection;
    private final int number;
    private final VirtualHost vhost;
    private final ResourceAccess access;
    private final MessageCounters messages;
    private final DirectReplyTo directReplyTo;
    private final LastDeclaredQueue lastDeclared;
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final Map<String, ChannelConsumer> consumers = new LinkedHashMap<>();
    private volatile boolean flowActive = true;
    private String replyAddress;
    private String replyConsumerTag;

    ChannelConsumers(ChannelReplies replies, AmqpConnection connection, int number, VirtualHost vhost,
                     ResourceAccess access, MessageCounters messages, DirectReplyTo directReplyTo,
                     LastDeclaredQueue lastDeclared) {
        this.replies = replies;
        this.connection = connection;
        this.number = number;
        this.vhost = vhost;
        this.access = access;
        this.messages = messages;
        this.directReplyTo = directReplyTo;
        this.lastDeclared = lastDeclared;
    }

    // ---- asked by the queues, from their shard threads ----

    boolean canTakeDeliveries() {
        return flowActive && connection.isWritable() && ledger.belowGlobalPrefetch();
    }

    /** Reserves one delivery under the channel-wide prefetch (see {@link DeliveryLedger#claim()}). */
    boolean claimDelivery() {
        return flowActive && connection.isWritable() && ledger.claim();
    }

    /** A reservation no delivery followed; a consumer refused meanwhile on another queue is asked again. */
    void releaseClaim() {
        ledger.unclaim();
        if (ledger.globalPrefetch() > 0) {
            connection.execute(this::resumeConsumers);
        }
    }

    // ---- event loop ----

    void resumeConsumers() {
        assert connection.inEventLoop() : "a channel's consumers are its connection's event loop's";
        for (ChannelConsumer consumer : consumers.values()) {
            if (consumer.subscription != null) {
                consumer.subscription.resume();
            }
        }
    }

    /** Whether acknowledgements are owed or due on this channel. */
    boolean holdsDeliveries() {
        return ledger.holdsDeliveries();
    }

    /** The queue of the first consumer whose queue {@code access} no longer lets the user read, or null. */
    String consumedQueueNotReadable(ResourceAccess access) {
        for (ChannelConsumer consumer : consumers.values()) {
            if (consumer.subscription != null && !access.mayRead(Kind.QUEUE, consumer.subscription.queue().name())) {
                return consumer.subscription.queue().name();
            }
        }
        return null;
    }

    List<ConsumerSnapshot> snapshots() {
        List<ConsumerSnapshot> subscribed = new ArrayList<>(consumers.size());
        for (ChannelConsumer consumer : consumers.values()) {
            ConsumerSnapshot snapshot = consumer.snapshot();
            if (snapshot != null) {
                subscribed.add(snapshot);
            }
        }
        return subscribed;
    }

    int consumerCount() {
        return consumers.size();
    }

    int unackedCount() {
        return ledger.unackedCount();
    }

    int consumerPrefetch() {
        return ledger.consumerPrefetch();
    }

    int globalPrefetch() {
        return ledger.globalPrefetch();
    }

    void flow(boolean active) {
        flowActive = active;
        if (active) {
            resumeConsumers();
        }
    }

    void qos(Basic.Qos qos) {
        if (qos.prefetchSize() != 0) {
            throw AmqpError.hard(AmqpConstants.NOT_IMPLEMENTED, "prefetch_size!=0 (" + qos.prefetchSize() + ")",
                    qos);
        }
        if (qos.global()) {
            ledger.globalPrefetch(qos.prefetchCount());
            resumeConsumers();
        } else {
            ledger.consumerPrefetch(qos.prefetchCount());
        }
        replies.reply(new Basic.QosOk());
    }

    void consume(Basic.Consume consume) {
        assert connection.inEventLoop() : "a channel's consumers are its connection's event loop's";
        String tag = consume.consumerTag().isEmpty() ? EntityNames.generated("amq.ctag-") : consume.consumerTag();
        if (consumers.containsKey(tag) || tag.equals(replyConsumerTag)) {
            throw AmqpError.hard(AmqpConstants.NOT_ALLOWED, "attempt to reuse consumer tag '" + tag + "'", consume);
        }
        String queueName = lastDeclared.resolve(consume.queue(), consume);
        if (queueName.equals(DirectReplyTo.PSEUDO_QUEUE)) {
            consumeReplies(consume, tag);
            return;
        }
        access.checkRead(Kind.QUEUE, queueName, consume);
        Queue queue = vhost.existingQueue(queueName, connection);
        // Kept with the consumer for as long as it lives, so bounded as declaration arguments are.
        Arguments.check(consume.arguments());
        int priority = consumerPriority(consume, queueName);
        ChannelConsumer consumer = new ChannelConsumer(this, connection, tag, consume.noAck(), consume.arguments());
        consumers.put(tag, consumer);
        ConsumerOptions options = new ConsumerOptions(consume.noAck() ? 0 : ledger.consumerPrefetch(),
                consume.noAck(), consume.exclusive(), priority);
        CompletableFuture<Subscription> subscribed = queue.subscribe(consumer, options);
        subscribed.whenComplete((subscription, failure) -> {
            if (failure != null) {
                connection.execute(() -> consumers.remove(tag, consumer));
            }
        });
        replies.answerLater(subscribed, subscription -> {
            consumer.subscription = subscription;
            replies.replyUnlessNowait(consume.nowait(), new Basic.ConsumeOk(tag));
            consumer.announced();
        }, Subscription::cancel, consume);
    }

    private int consumerPriority(Basic.Consume consume, String queueName) {
        Object priority = consume.arguments().get("x-priority");
        if (priority == null) {
            return 0;
        }
        if (priority instanceof Integer || priority instanceof Long || priority instanceof Short
                || priority instanceof Byte) {
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, ((Number) priority).longValue()));
        }
        throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "invalid arg 'x-priority' for queue '" + queueName
                + "' in vhost '" + vhost.name() + "': \"expected integer, got " + Arguments.typeName(priority)
                + "\"", consume);
    }

    private void consumeReplies(Basic.Consume consume, String tag) {
        if (!consume.noAck()) {
            throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "reply consumer cannot acknowledge", consume);
        }
        if (replyAddress != null) {
            throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "reply consumer already set", consume);
        }
        replyAddress = directReplyTo.register(this);
        replyConsumerTag = tag;
        replies.replyUnlessNowait(consume.nowait(), new Basic.ConsumeOk(tag));
    }

    /** The direct reply-to address of this channel's reply consumer, or null if it has none. */
    String replyAddress() {
        return replyAddress;
    }

    void cancel(Basic.Cancel cancel) {
        String tag = cancel.consumerTag();
        if (tag.equals(replyConsumerTag)) {
            stopReplies();
        }
        ChannelConsumer consumer = consumers.remove(tag);
        if (consumer != null) {
            consumer.cancelled = true;
            // As RabbitMQ: what the consumer holds stays unacknowledged on the channel until settled or closed.
            if (consumer.subscription != null) {
                consumer.subscription.cancelKeepingUnsettled();
            }
        }
        replies.replyUnlessNowait(cancel.nowait(), new Basic.CancelOk(tag));
    }

    private void stopReplies() {
        if (replyAddress != null) {
            directReplyTo.unregister(replyAddress);
            replyAddress = null;
            replyConsumerTag = null;
        }
    }

    /** The queue of a consumer was deleted: the consumer is gone, and the client is told if it asked to be. */
    void consumerQueueDeleted(ChannelConsumer consumer) {
        if (!replies.isOpen() || !consumers.remove(consumer.tag, consumer)) {
            return;
        }
        consumer.cancelled = true;
        if (connection.consumerCancelNotify()) {
            replies.reply(new Basic.Cancel(consumer.tag, true));
        }
    }

    /** A delivery from a queue. */
    void deliver(Delivery delivery) {
        assert connection.inEventLoop() : "deliveries are written from the connection's event loop";
        ChannelConsumer consumer = (ChannelConsumer) delivery.subscription().consumer();
        if (!replies.isOpen() || consumer.cancelled) {
            if (!consumer.autoAck) {
                ledger.unclaim();
                delivery.subscription().requeue(delivery.entryId());
            }
            delivery.message().release();
            return;
        }
        if (!consumer.readyFor(delivery)) {
            return;
        }
        long tag = ledger.nextDeliveryTag();
        if (!consumer.autoAck) {
            ledger.track(new Unacked(tag, delivery.subscription(), delivery.entryId(), true));
        }
        Message message = delivery.message();
        messages.delivering(message.publishedAtNanos(), delivery.redelivered());
        connection.write(new AmqpCommand(number, new Basic.Deliver(consumer.tag, tag, delivery.redelivered(),
                message.exchange(), message.routingKey()), MessageMapping.toAmqp(message.properties()),
                message.body().retainedDuplicate()));
        message.release();
    }

    /** From any thread: a direct reply-to message for this channel's reply consumer; takes over the reference. */
    void offerReply(Message message) {
        connection.execute(() -> deliverReply(message));
    }

    private void deliverReply(Message message) {
        if (!replies.isOpen() || replyConsumerTag == null) {
            message.release();
            return;
        }
        connection.write(new AmqpCommand(number, new Basic.Deliver(replyConsumerTag, ledger.nextDeliveryTag(),
                false, message.exchange(), message.routingKey()), MessageMapping.toAmqp(message.properties()),
                message.body().retainedDuplicate()));
        message.release();
        connection.flush();
    }

    void get(Basic.Get get) {
        String name = lastDeclared.resolve(get.queue(), get);
        access.checkRead(Kind.QUEUE, name, get);
        Queue queue = vhost.existingQueue(name, connection);
        replies.answerLater(queue.get(get.noAck()), fetched -> {
            if (fetched == null) {
                replies.reply(new Basic.GetEmpty(""));
                return;
            }
            Delivery delivery = fetched.delivery();
            long tag = ledger.nextDeliveryTag();
            if (!get.noAck()) {
                ledger.track(new Unacked(tag, delivery.subscription(), delivery.entryId(), false));
            }
            Message message = delivery.message();
            messages.delivering(message.publishedAtNanos(), delivery.redelivered());
            connection.write(new AmqpCommand(number, new Basic.GetOk(tag, delivery.redelivered(),
                    message.exchange(), message.routingKey(), fetched.messageCount()),
                    MessageMapping.toAmqp(message.properties()), message.body().retainedDuplicate()));
            message.release();
        }, fetched -> {
            if (fetched != null) {
                fetched.delivery().subscription().requeue(fetched.delivery().entryId());
                fetched.delivery().message().release();
            }
        }, get);
    }

    /** The deliveries an ack, nack or reject names, no longer unacknowledged; see {@link DeliveryLedger#take}. */
    List<Unacked> takeUnacked(long deliveryTag, boolean multiple, AmqpMethod method) {
        return ledger.take(deliveryTag, multiple, method);
    }

    void apply(List<Unacked> settled, Settlement settlement) {
        assert connection.inEventLoop() : "settlements are applied on the connection's event loop";
        for (Unacked entry : settled) {
            switch (settlement) {
                case ACK -> {
                    entry.subscription().settle(entry.entryId());
                    messages.acknowledged.increment();
                }
                case REQUEUE -> entry.subscription().requeue(entry.entryId());
                case DISCARD -> entry.subscription().discard(entry.entryId());
            }
            ledger.settled(entry);
        }
        if (ledger.globalPrefetch() > 0) {
            resumeConsumers();
        }
        connection.deliveriesChanged();
    }

    /** Deliveries whose settlement a rollback undid are unacknowledged again, under their old tags. */
    void unsettle(List<Unacked> deliveries) {
        ledger.restore(deliveries);
    }

    void recover(boolean requeue, AmqpMethod method) {
        if (!requeue) {
            throw AmqpError.hard(AmqpConstants.NOT_IMPLEMENTED, "requeue=false", method);
        }
        apply(ledger.takeAll(), Settlement.REQUEUE);
    }

    /** The channel is closing: its consumers are cancelled. */
    void cancelAll() {
        for (ChannelConsumer consumer : consumers.values()) {
            consumer.cancelled = true;
            if (consumer.subscription != null) {
                consumer.subscription.cancel();
            }
            // Deliveries held back for consume-ok go through deliver(), which requeues them now.
            consumer.announced();
        }
        consumers.clear();
    }

    /** The channel is closing: every unacknowledged delivery goes back to its queue, the reply-to address too. */
    void requeueAll() {
        apply(ledger.takeAll(), Settlement.REQUEUE);
        stopReplies();
    }
}
