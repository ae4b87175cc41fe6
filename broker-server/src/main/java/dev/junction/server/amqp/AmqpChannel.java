package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpCommand;
import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.OversizedContent;
import dev.junction.amqp.codec.method.Access;
import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.amqp.codec.method.Basic;
import dev.junction.amqp.codec.method.Channel;
import dev.junction.amqp.codec.method.Confirm;
import dev.junction.amqp.codec.method.Exchange;
import dev.junction.amqp.codec.method.Queue;
import dev.junction.amqp.codec.method.Tx;
import dev.junction.core.BrokerException;
import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.store.StoreListener;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.server.amqp.ResourceAccess.Kind;
import dev.junction.server.stats.MessageCounters;
import io.netty.buffer.ByteBuf;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One AMQP channel: dispatches its methods to the part that handles them ({@link ChannelConsumers} for the
 * consumer side) and keeps replies in order. Event-loop state only. Methods whose answer needs a queue's shard
 * (purge, delete, get, consume) hold the channel's later commands back until the answer is written, so replies
 * keep the order of requests.
 */
final class AmqpChannel implements ChannelReplies {
    private final AmqpConnection connection;
    private final int number;
    /** Small at first: commands wait only while an earlier one awaits its answer, which most channels never do. */
    private final ArrayDeque<AmqpCommand> waiting = new ArrayDeque<>(2);
    private final LastDeclaredQueue lastDeclared = new LastDeclaredQueue();
    private final ChannelConsumers consumers;
    private boolean open = true;
    private boolean busy;
    private ConfirmTracker confirms;
    private Transaction transaction;

    AmqpChannel(AmqpConnection connection, int number) {
        this.connection = connection;
        this.number = number;
        AmqpService service = connection.service();
        this.consumers = new ChannelConsumers(this, connection, number, connection.vhost(), connection.access(),
                service.messages(), service.directReplyTo(), lastDeclared);
    }

    AmqpConnection connection() {
        return connection;
    }

    int number() {
        return number;
    }

    /** Whether acknowledgements are owed or due on this channel (event loop). */
    boolean holdsDeliveries() {
        return consumers.holdsDeliveries();
    }

    void resumeConsumers() {
        consumers.resumeConsumers();
    }

    /** The queue of the first consumer whose queue {@code access} no longer lets the user read, or null. */
    String consumedQueueNotReadable(ResourceAccess access) {
        return consumers.consumedQueueNotReadable(access);
    }

    /** What the management API shows of this channel. */
    ChannelSnapshot snapshot() {
        return new ChannelSnapshot(number, consumers.consumerPrefetch(), consumers.globalPrefetch(),
                consumers.consumerCount(), consumers.unackedCount(), confirms != null, transaction != null,
                open ? "running" : "closing", consumers.snapshots());
    }

    // ---- receiving ----

    /** A command for this channel; the caller releases it afterwards, so anything kept is retained. */
    void receive(AmqpCommand command) {
        if (!open) {
            onWhileClosing(command.method());
            return;
        }
        if (busy) {
            waiting.add(command.retain());
            return;
        }
        process(command);
    }

    private void process(AmqpCommand command) {
        try {
            dispatch(command);
        } catch (BrokerException e) {
            fail(AmqpError.of(e, command.method()));
        } catch (AmqpError e) {
            fail(e);
        }
    }

    /** The decoder refused a body over amqp.max_message_size at its header; RabbitMQ closes the channel. */
    void refuseOversized(OversizedContent oversized) {
        if (open) {
            fail(AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "message size " + oversized.bodySize()
                    + " is larger than configured max size " + connection.service().settings().maxMessageSize(),
                    oversized.method()));
        }
    }

    private void fail(AmqpError error) {
        if (error.isHard()) {
            connection.closeWithError(error);
            return;
        }
        release();
        connection.write(AmqpCommand.of(number, new Channel.Close(error.replyCode(), error.replyText(),
                error.classId(), error.methodId())));
        connection.flush();
    }

    /** Spec 2.2.4: a closing channel ignores everything but close and close-ok. */
    private void onWhileClosing(AmqpMethod method) {
        if (method instanceof Channel.CloseOk) {
            connection.channelClosed(this);
        } else if (method instanceof Channel.Close) {
            connection.channelClosed(this);
            reply(new Channel.CloseOk());
        }
    }

    private void dispatch(AmqpCommand command) {
        AmqpMethod method = command.method();
        if (method instanceof Basic.Publish publish) {
            publish(publish, command);
        } else if (method instanceof Basic.Ack ack) {
            settle(ack.deliveryTag(), ack.multiple(), Settlement.ACK, ack);
        } else if (method instanceof Basic.Nack nack) {
            settle(nack.deliveryTag(), nack.multiple(), nack.requeue() ? Settlement.REQUEUE : Settlement.DISCARD,
                    nack);
        } else if (method instanceof Basic.Reject reject) {
            settle(reject.deliveryTag(), false, reject.requeue() ? Settlement.REQUEUE : Settlement.DISCARD, reject);
        } else if (method instanceof Basic.Consume consume) {
            consumers.consume(consume);
        } else if (method instanceof Basic.Cancel cancel) {
            consumers.cancel(cancel);
        } else if (method instanceof Basic.Get get) {
            consumers.get(get);
        } else if (method instanceof Basic.Qos qos) {
            consumers.qos(qos);
        } else if (method instanceof Basic.Recover recover) {
            consumers.recover(recover.requeue(), recover);
            reply(new Basic.RecoverOk());
        } else if (method instanceof Basic.RecoverAsync recover) {
            consumers.recover(recover.requeue(), recover);
        } else if (method instanceof Exchange.Declare declare) {
            declareExchange(declare);
        } else if (method instanceof Exchange.Delete delete) {
            String exchange = EntityNames.stripped(delete.exchange());
            access().checkConfigure(Kind.EXCHANGE, exchange, delete);
            vhost().deleteExchange(exchange, delete.ifUnused());
            replyUnlessNowait(delete.nowait(), new Exchange.DeleteOk());
        } else if (method instanceof Exchange.Bind bind) {
            String source = EntityNames.stripped(bind.source());
            String destination = EntityNames.stripped(bind.destination());
            checkBinding(Kind.EXCHANGE, destination, source, bind);
            vhost().bindExchange(source, destination, bind.routingKey(), bind.arguments());
            replyUnlessNowait(bind.nowait(), new Exchange.BindOk());
        } else if (method instanceof Exchange.Unbind unbind) {
            String source = EntityNames.stripped(unbind.source());
            String destination = EntityNames.stripped(unbind.destination());
            checkBinding(Kind.EXCHANGE, destination, source, unbind);
            vhost().unbindExchange(source, destination, unbind.routingKey(), unbind.arguments());
            replyUnlessNowait(unbind.nowait(), new Exchange.UnbindOk());
        } else if (method instanceof Queue.Declare declare) {
            declareQueue(declare);
        } else if (method instanceof Queue.Bind bind) {
            String queue = lastDeclared.resolve(EntityNames.stripped(bind.queue()), bind);
            String exchange = EntityNames.stripped(bind.exchange());
            checkBinding(Kind.QUEUE, queue, exchange, bind);
            vhost().bindQueue(exchange, queue, routingKeyOrQueue(bind.routingKey(), bind.queue(), queue),
                    bind.arguments(), connection);
            replyUnlessNowait(bind.nowait(), new Queue.BindOk());
        } else if (method instanceof Queue.Unbind unbind) {
            String queue = lastDeclared.resolve(EntityNames.stripped(unbind.queue()), unbind);
            String exchange = EntityNames.stripped(unbind.exchange());
            checkBinding(Kind.QUEUE, queue, exchange, unbind);
            vhost().unbindQueue(exchange, queue, routingKeyOrQueue(unbind.routingKey(), unbind.queue(), queue),
                    unbind.arguments(), connection);
            reply(new Queue.UnbindOk());
        } else if (method instanceof Queue.Purge purge) {
            String name = lastDeclared.resolve(purge.queue(), purge);
            access().checkRead(Kind.QUEUE, name, purge);
            dev.junction.core.queue.Queue queue = vhost().existingQueue(name, connection);
            answerLater(queue.purge(), count -> replyUnlessNowait(purge.nowait(), new Queue.PurgeOk(count)),
                    count -> { }, purge);
        } else if (method instanceof Queue.Delete delete) {
            deleteQueue(delete);
        } else if (method instanceof Channel.Flow flow) {
            consumers.flow(flow.active());
            reply(new Channel.FlowOk(flow.active()));
        } else if (method instanceof Channel.FlowOk) {
            // The server never asks a client to pause, so there is nothing to confirm.
        } else if (method instanceof Channel.Close) {
            release();
            connection.channelClosed(this);
            reply(new Channel.CloseOk());
        } else if (method instanceof Confirm.Select select) {
            if (transaction != null) {
                throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "cannot switch from tx to confirm mode",
                        select);
            }
            if (confirms == null) {
                confirms = new ConfirmTracker(new ConfirmWriter(), connection::execute);
            }
            replyUnlessNowait(select.nowait(), new Confirm.SelectOk());
        } else if (method instanceof Tx.Select select) {
            if (confirms != null) {
                throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "cannot switch from confirm to tx mode",
                        select);
            }
            if (transaction == null) {
                transaction = new Transaction();
            }
            reply(new Tx.SelectOk());
        } else if (method instanceof Tx.Commit commit) {
            // commit-ok promises that the transaction's persistent messages are stored: it waits for the store.
            answerLater(requireTransaction(commit).commit(this, consumers), stored -> reply(new Tx.CommitOk()),
                    stored -> { }, commit);
        } else if (method instanceof Tx.Rollback rollback) {
            consumers.unsettle(requireTransaction(rollback).rollback());
            reply(new Tx.RollbackOk());
        } else if (method instanceof Access.Request) {
            reply(new Access.RequestOk(1));
        } else {
            throw AmqpError.hard(AmqpConstants.COMMAND_INVALID, "method " + method.protocolMethodName()
                    + " is not one a client sends", method);
        }
    }

    private VirtualHost vhost() {
        return connection.vhost();
    }

    private ResourceAccess access() {
        return connection.access();
    }

    /**
     * RabbitMQ's checks for a binding: write on the destination, then read on the source exchange. A binding
     * involving the default exchange is refused by the core whatever the permissions, so its read is not checked.
     */
    private void checkBinding(Kind destinationKind, String destination, String source, AmqpMethod method) {
        access().checkWrite(destinationKind, destination, method);
        boolean defaultExchangeInvolved = source.isEmpty() || destinationKind == Kind.EXCHANGE && destination.isEmpty();
        if (!defaultExchangeInvolved) {
            access().checkRead(Kind.EXCHANGE, source, method);
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void reply(AmqpMethod method) {
        connection.write(AmqpCommand.of(number, method));
        connection.flush();
    }

    @Override
    public <T> void answerLater(CompletableFuture<T> answer, Consumer<T> onAnswer, Consumer<T> onAbandoned,
                                AmqpMethod method) {
        assert connection.inEventLoop() : "a channel's state is its connection's event loop's";
        busy = true;
        answer.whenComplete((value, failure) -> connection.execute(() -> {
            busy = false;
            if (!open) {
                if (failure == null) {
                    onAbandoned.accept(value);
                }
            } else {
                try {
                    if (failure != null) {
                        throw failure instanceof BrokerException e ? AmqpError.of(e, method)
                                : AmqpError.hard(AmqpConstants.INTERNAL_ERROR, String.valueOf(failure), method);
                    }
                    onAnswer.accept(value);
                } catch (BrokerException e) {
                    fail(AmqpError.of(e, method));
                } catch (AmqpError e) {
                    fail(e);
                }
            }
            while (!busy && open && !waiting.isEmpty()) {
                AmqpCommand next = waiting.poll();
                try {
                    process(next);
                } finally {
                    next.release();
                }
            }
            connection.flush();
        }));
    }

    // ---- exchanges and queues ----

    private void declareExchange(Exchange.Declare declare) {
        String exchange = EntityNames.stripped(declare.exchange());
        if (declare.passive()) {
            vhost().passiveExchange(exchange);
        } else {
            ExchangeType type = ExchangeType.fromWireName(declare.type());
            if (type == null) {
                throw AmqpError.hard(AmqpConstants.COMMAND_INVALID, "unknown exchange type '" + declare.type()
                        + "'", declare);
            }
            access().checkConfigure(Kind.EXCHANGE, exchange, declare);
            ExchangeSettings settings = new ExchangeSettings(declare.durable(), declare.autoDelete(),
                    declare.internal(), MessageMapping.arguments(declare.arguments()));
            // As RabbitMQ: naming an alternate exchange on creation needs read on the new exchange (its unroutable
            // messages leave through it) and write on the alternate.
            String alternate = settings.alternateExchange();
            if (alternate != null && vhost().exchange(exchange) == null) {
                access().checkRead(Kind.EXCHANGE, exchange, declare);
                access().checkWrite(Kind.EXCHANGE, alternate, declare);
            }
            vhost().declareExchange(exchange, type, settings);
        }
        replyUnlessNowait(declare.nowait(), new Exchange.DeclareOk());
    }

    private void declareQueue(Queue.Declare declare) {
        String name = EntityNames.stripped(declare.queue());
        if (declare.passive() && DirectReplyTo.isAddress(name)
                && connection.service().directReplyTo().isRegistered(name)) {
            // RabbitMQ's answer while the requester is there: a responder checks it before working for it.
            replyUnlessNowait(declare.nowait(), new Queue.DeclareOk(name, 0, 1));
            return;
        }
        dev.junction.core.queue.Queue queue;
        if (declare.passive()) {
            queue = vhost().redeclaredQueue(lastDeclared.resolve(name, declare), connection);
        } else {
            if (name.isEmpty()) {
                name = EntityNames.generated("amq.gen-");
            }
            access().checkConfigure(Kind.QUEUE, name, declare);
            Map<String, Object> arguments = MessageMapping.arguments(declare.arguments());
            // As RabbitMQ: a dead-letter exchange on creation needs read on the queue and write on the exchange.
            if (arguments.get("x-dead-letter-exchange") instanceof String deadLetterExchange
                    && vhost().queue(name) == null) {
                access().checkRead(Kind.QUEUE, name, declare);
                access().checkWrite(Kind.EXCHANGE, deadLetterExchange, declare);
            }
            queue = vhost().declareQueue(name, new QueueSettings(declare.durable(),
                    declare.exclusive() ? connection : null, declare.autoDelete(), arguments),
                    declare.exclusive() ? connection.exclusiveQueueOwner() : null);
            if (declare.exclusive()) {
                connection.exclusiveQueueDeclared(name);
            }
        }
        lastDeclared.declared(queue.name());
        replyUnlessNowait(declare.nowait(), new Queue.DeclareOk(queue.name(), queue.readyCount(),
                queue.consumerCount()));
    }

    private void deleteQueue(Queue.Delete delete) {
        String name = lastDeclared.resolve(EntityNames.stripped(delete.queue()), delete);
        access().checkConfigure(Kind.QUEUE, name, delete);
        CompletableFuture<Integer> deleted = vhost().deleteQueue(name, connection, delete.ifUnused(),
                delete.ifEmpty());
        connection.exclusiveQueueDeleted(name);
        answerLater(deleted, count -> replyUnlessNowait(delete.nowait(), new Queue.DeleteOk(count)), count -> { },
                delete);
    }

    /** A bind with empty queue and routing key uses the last declared queue's name as key too. */
    private static String routingKeyOrQueue(String routingKey, String requestedQueue, String queue) {
        return routingKey.isEmpty() && requestedQueue.isEmpty() ? queue : routingKey;
    }

    // ---- publishing ----

    private void publish(Basic.Publish publish, AmqpCommand command) {
        if (publish.immediate()) {
            throw AmqpError.hard(AmqpConstants.NOT_IMPLEMENTED, "immediate=true", publish);
        }
        access().checkWrite(Kind.EXCHANGE, publish.exchange(), publish);
        MessageProperties properties = MessageMapping.toCore(command.properties());
        if (properties.userId() != null && !properties.userId().equals(access().user())) {
            throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "user_id property set to '"
                    + properties.userId() + "' but authenticated user was '" + access().user() + "'", publish);
        }
        properties.expirationMillis();
        if (DirectReplyTo.PSEUDO_QUEUE.equals(properties.replyTo())) {
            String replyAddress = consumers.replyAddress();
            if (replyAddress == null) {
                throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "fast reply consumer does not exist",
                        publish);
            }
            properties = new MessageProperties(properties.contentType(), properties.contentEncoding(),
                    properties.headers(), properties.deliveryMode(), properties.priority(),
                    properties.correlationId(), replyAddress, properties.expiration(), properties.messageId(),
                    properties.timestamp(), properties.type(), properties.userId(), properties.appId(),
                    properties.clusterId());
        }
        // Checked before anything is kept, so that a transaction refuses the publish itself, as RabbitMQ does.
        vhost().existingExchange(publish.exchange());
        connection.publishing();
        if (transaction != null) {
            transaction.publish(publish, properties, command.body().retain());
            return;
        }
        route(publish, properties, command.body().retain(), StoreListener.NONE);
    }

    /**
     * Routes a publish, taking over the body reference. Outside confirm mode {@code stored} learns when the
     * message is stored for every durable queue it reached; unless this throws, it is told exactly once.
     */
    void route(Basic.Publish publish, MessageProperties properties, ByteBuf body, StoreListener stored) {
        long sequence = confirms == null ? 0 : confirms.next();
        ByteBuf returnBody = publish.mandatory() ? body.retainedDuplicate() : null;
        Message message = new Message(publish.exchange(), publish.routingKey(), properties, body);
        boolean routed;
        boolean confirmNow;
        try {
            if (publish.exchange().isEmpty() && DirectReplyTo.isAddress(publish.routingKey())) {
                routed = connection.service().directReplyTo().deliver(publish.routingKey(), message);
                if (!routed) {
                    message.release();
                }
                stored.stored(null);
                confirmNow = true;
            } else if (confirms != null) {
                PendingConfirm pending = new PendingConfirm(sequence);
                List<dev.junction.core.queue.Queue> targets = vhost().publish(publish.exchange(), message,
                        pending, pending);
                routed = pending.published(targets.size());
                confirmNow = !routed;
                connection.published(targets);
            } else {
                List<dev.junction.core.queue.Queue> targets = vhost().publish(publish.exchange(), message, null,
                        stored);
                routed = !targets.isEmpty();
                confirmNow = false;
                connection.published(targets);
            }
        } catch (BrokerException e) {
            // The exchange went away or refuses publishes (internal); the message was released by the core.
            if (returnBody != null) {
                returnBody.release();
            }
            if (confirms != null) {
                confirms.settled(sequence, false);
            }
            throw e;
        }
        countPublished(routed, returnBody != null);
        if (returnBody != null) {
            if (routed) {
                returnBody.release();
            } else {
                connection.write(new AmqpCommand(number, new Basic.Return(AmqpConstants.NO_ROUTE, "NO_ROUTE",
                        publish.exchange(), publish.routingKey()), MessageMapping.toAmqp(properties), returnBody));
            }
        }
        if (confirms != null && confirmNow) {
            // RabbitMQ confirms what no queue took (or a direct reply) at once, after any basic.return.
            confirms.settled(sequence, true);
        }
        connection.flush();
    }

    private void countPublished(boolean routed, boolean mandatory) {
        MessageCounters counters = connection.service().messages();
        counters.published.increment();
        if (routed) {
            counters.routed.increment();
        } else {
            counters.unroutable.increment();
            if (!mandatory) {
                counters.dropped.increment();
            }
        }
    }

    /**
     * Counts the answers for one confirmed publish: each queue's, and the store's once the message is durable in
     * every durable queue. Answers may come before the publisher knows how many queues there are, so the count
     * starts far from zero and is corrected once the route is known.
     */
    private final class PendingConfirm implements Consumer<Boolean>, StoreListener {
        private static final int UNKNOWN = 1 << 30;
        private final long sequence;
        private final AtomicInteger remaining = new AtomicInteger(UNKNOWN);
        private volatile boolean rejected;

        PendingConfirm(long sequence) {
            this.sequence = sequence;
        }

        /** Returns whether the publish reached any queue. */
        boolean published(int queues) {
            if (queues > 0 && remaining.addAndGet(queues + 1 - UNKNOWN) == 0) {
                settle();
            }
            return queues > 0;
        }

        @Override
        public void accept(Boolean accepted) {
            if (!accepted) {
                rejected = true;
            }
            if (remaining.decrementAndGet() == 0) {
                connection.execute(this::settle);
            }
        }

        @Override
        public void stored(Throwable failure) {
            accept(failure == null);
        }

        private void settle() {
            if (open) {
                confirms.settled(sequence, !rejected);
                connection.flush();
            }
        }
    }

    private final class ConfirmWriter implements ConfirmTracker.Sink {
        @Override
        public void ack(long sequence, boolean multiple) {
            // Sent from a task of its own, which may run after the channel closed.
            if (open) {
                connection.write(AmqpCommand.of(number, new Basic.Ack(sequence, multiple)));
                connection.flush();
            }
        }

        @Override
        public void nack(long sequence) {
            connection.write(AmqpCommand.of(number, new Basic.Nack(sequence, false, false)));
        }
    }

    private Transaction requireTransaction(AmqpMethod method) {
        if (transaction == null) {
            throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "channel is not transactional", method);
        }
        return transaction;
    }

    /** Inside a transaction the settlement waits for tx.commit; the tags are taken, and so unknown, at once. */
    private void settle(long deliveryTag, boolean multiple, Settlement settlement, AmqpMethod method) {
        List<Unacked> settled = consumers.takeUnacked(deliveryTag, multiple, method);
        if (transaction != null) {
            transaction.settle(settled, settlement);
        } else {
            consumers.apply(settled, settlement);
        }
    }

    // ---- closing ----

    /**
     * Ends the channel's work: consumers cancelled, unacknowledged deliveries requeued, uncommitted publishes
     * dropped, the reply-to address given up. Idempotent.
     */
    void release() {
        if (!open) {
            return;
        }
        open = false;
        consumers.cancelAll();
        if (transaction != null) {
            consumers.unsettle(transaction.rollback());
        }
        consumers.requeueAll();
        waiting.forEach(AmqpCommand::release);
        waiting.clear();
    }
}
