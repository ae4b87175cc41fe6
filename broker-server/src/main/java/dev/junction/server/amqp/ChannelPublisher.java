package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpCommand;
import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.amqp.codec.method.Basic;
import dev.junction.amqp.codec.method.Confirm;
import dev.junction.amqp.codec.method.Tx;
import dev.junction.core.BrokerException;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Queue;
import dev.junction.core.store.StoreListener;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.server.amqp.ResourceAccess.Kind;
import dev.junction.server.stats.MessageCounters;
import io.netty.buffer.ByteBuf;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * The publisher side of one channel: basic.publish with its checks (permissions, {@code user_id}, direct reply-to),
 * mandatory returns, publisher confirms and transactions. Event-loop state only.
 */
final class ChannelPublisher {
    private final ChannelReplies replies;
    private final AmqpConnection connection;
    private final int number;
    private final VirtualHost vhost;
    private final ResourceAccess access;
    private final MessageCounters messages;
    private final DirectReplyTo directReplyTo;
    private final ChannelConsumers consumers;
    /** Made once: a confirmed publish is a hot path, and each would otherwise allocate two method references. */
    private final Executor loop;
    private final PendingConfirm.Outcome confirmed = this::confirmed;
    private ConfirmTracker confirms;
    private Transaction transaction;

    ChannelPublisher(ChannelReplies replies, AmqpConnection connection, int number, VirtualHost vhost,
                     ResourceAccess access, MessageCounters messages, DirectReplyTo directReplyTo,
                     ChannelConsumers consumers) {
        this.replies = replies;
        this.connection = connection;
        this.number = number;
        this.vhost = vhost;
        this.access = access;
        this.messages = messages;
        this.directReplyTo = directReplyTo;
        this.consumers = consumers;
        this.loop = connection::execute;
    }

    boolean confirmMode() {
        return confirms != null;
    }

    boolean transactional() {
        return transaction != null;
    }

    void publish(Basic.Publish publish, AmqpCommand command) {
        assert connection.inEventLoop() : "a channel's publishes are its connection's event loop's";
        if (publish.immediate()) {
            throw AmqpError.hard(AmqpConstants.NOT_IMPLEMENTED, "immediate=true", publish);
        }
        access.checkWrite(Kind.EXCHANGE, publish.exchange(), publish);
        MessageProperties properties = MessageMapping.toCore(command.properties());
        if (properties.userId() != null && !properties.userId().equals(access.user())) {
            throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "user_id property set to '"
                    + properties.userId() + "' but authenticated user was '" + access.user() + "'", publish);
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
        vhost.existingExchange(publish.exchange());
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
                routed = directReplyTo.deliver(publish.routingKey(), message);
                if (!routed) {
                    message.release();
                }
                stored.stored(null);
                confirmNow = true;
            } else if (confirms != null) {
                PendingConfirm pending = new PendingConfirm(sequence, loop, confirmed);
                List<Queue> targets = vhost.publish(publish.exchange(), message, pending, pending);
                routed = pending.published(targets.size());
                confirmNow = !routed;
                connection.published(targets);
            } else {
                List<Queue> targets = vhost.publish(publish.exchange(), message, null, stored);
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
        messages.published.increment();
        if (routed) {
            messages.routed.increment();
        } else {
            messages.unroutable.increment();
            if (!mandatory) {
                messages.dropped.increment();
            }
        }
    }

    /** Every queue (and the store) answered for a confirmed publish; nothing is owed once the channel closed. */
    private void confirmed(long sequence, boolean accepted) {
        if (replies.isOpen()) {
            confirms.settled(sequence, accepted);
            connection.flush();
        }
    }

    void selectConfirms(Confirm.Select select) {
        if (transaction != null) {
            throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "cannot switch from tx to confirm mode", select);
        }
        if (confirms == null) {
            confirms = new ConfirmTracker(new ConfirmWriter(), loop);
        }
        replies.replyUnlessNowait(select.nowait(), new Confirm.SelectOk());
    }

    void selectTransaction(Tx.Select select) {
        if (confirms != null) {
            throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "cannot switch from confirm to tx mode", select);
        }
        if (transaction == null) {
            transaction = new Transaction();
        }
        replies.reply(new Tx.SelectOk());
    }

    void commit(Tx.Commit commit) {
        // commit-ok promises that the transaction's persistent messages are stored: it waits for the store.
        replies.answerLater(requireTransaction(commit).commit(this, consumers),
                stored -> replies.reply(new Tx.CommitOk()), stored -> { }, commit);
    }

    void rollback(Tx.Rollback rollback) {
        consumers.unsettle(requireTransaction(rollback).rollback());
        replies.reply(new Tx.RollbackOk());
    }

    /** In a transaction, an ack, nack or reject waits for tx.commit; returns false outside one. */
    boolean deferredToCommit(List<Unacked> settled, Settlement settlement) {
        if (transaction == null) {
            return false;
        }
        transaction.settle(settled, settlement);
        return true;
    }

    private Transaction requireTransaction(AmqpMethod method) {
        if (transaction == null) {
            throw AmqpError.soft(AmqpConstants.PRECONDITION_FAILED, "channel is not transactional", method);
        }
        return transaction;
    }

    /** The channel is closing: uncommitted publishes are dropped and uncommitted settlements undone. */
    void release() {
        if (transaction != null) {
            consumers.unsettle(transaction.rollback());
        }
    }

    private final class ConfirmWriter implements ConfirmTracker.Sink {
        @Override
        public void ack(long sequence, boolean multiple) {
            // Sent from a task of its own, which may run after the channel closed.
            if (replies.isOpen()) {
                connection.write(AmqpCommand.of(number, new Basic.Ack(sequence, multiple)));
                connection.flush();
            }
        }

        @Override
        public void nack(long sequence) {
            connection.write(AmqpCommand.of(number, new Basic.Nack(sequence, false, false)));
        }
    }
}
