package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.amqp.codec.method.Exchange;
import dev.junction.amqp.codec.method.Queue;
import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.server.amqp.ResourceAccess.Kind;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The topology commands of one channel: exchange and queue declare, delete, bind, unbind and purge, with
 * RabbitMQ's permission checks and name rules. Event-loop state only (the last declared queue).
 */
final class ChannelTopology {
    private final ChannelReplies replies;
    private final AmqpConnection connection;
    private final VirtualHost vhost;
    private final ResourceAccess access;
    private final DirectReplyTo directReplyTo;
    private final LastDeclaredQueue lastDeclared;

    ChannelTopology(ChannelReplies replies, AmqpConnection connection, VirtualHost vhost, ResourceAccess access,
                    DirectReplyTo directReplyTo, LastDeclaredQueue lastDeclared) {
        this.replies = replies;
        this.connection = connection;
        this.vhost = vhost;
        this.access = access;
        this.directReplyTo = directReplyTo;
        this.lastDeclared = lastDeclared;
    }

    void declareExchange(Exchange.Declare declare) {
        String exchange = EntityNames.stripped(declare.exchange());
        if (declare.passive()) {
            vhost.passiveExchange(exchange);
        } else {
            ExchangeType type = ExchangeType.fromWireName(declare.type());
            if (type == null) {
                throw AmqpError.hard(AmqpConstants.COMMAND_INVALID, "unknown exchange type '" + declare.type()
                        + "'", declare);
            }
            access.checkConfigure(Kind.EXCHANGE, exchange, declare);
            ExchangeSettings settings = new ExchangeSettings(declare.durable(), declare.autoDelete(),
                    declare.internal(), MessageMapping.arguments(declare.arguments()));
            // As RabbitMQ: naming an alternate exchange on creation needs read on the new exchange (its unroutable
            // messages leave through it) and write on the alternate.
            String alternate = settings.alternateExchange();
            if (alternate != null && vhost.exchange(exchange) == null) {
                access.checkRead(Kind.EXCHANGE, exchange, declare);
                access.checkWrite(Kind.EXCHANGE, alternate, declare);
            }
            vhost.declareExchange(exchange, type, settings);
        }
        replies.replyUnlessNowait(declare.nowait(), new Exchange.DeclareOk());
    }

    void deleteExchange(Exchange.Delete delete) {
        String exchange = EntityNames.stripped(delete.exchange());
        access.checkConfigure(Kind.EXCHANGE, exchange, delete);
        vhost.deleteExchange(exchange, delete.ifUnused());
        replies.replyUnlessNowait(delete.nowait(), new Exchange.DeleteOk());
    }

    void bindExchange(Exchange.Bind bind) {
        BindingEnds ends = exchangeBinding(bind.source(), bind.destination(), bind);
        vhost.bindExchange(ends.source(), ends.destination(), bind.routingKey(), bind.arguments());
        replies.replyUnlessNowait(bind.nowait(), new Exchange.BindOk());
    }

    void unbindExchange(Exchange.Unbind unbind) {
        BindingEnds ends = exchangeBinding(unbind.source(), unbind.destination(), unbind);
        vhost.unbindExchange(ends.source(), ends.destination(), unbind.routingKey(), unbind.arguments());
        replies.replyUnlessNowait(unbind.nowait(), new Exchange.UnbindOk());
    }

    void declareQueue(Queue.Declare declare) {
        String name = EntityNames.stripped(declare.queue());
        if (declare.passive() && DirectReplyTo.isAddress(name) && directReplyTo.isRegistered(name)) {
            // RabbitMQ's answer while the requester is there: a responder checks it before working for it.
            replies.replyUnlessNowait(declare.nowait(), new Queue.DeclareOk(name, 0, 1));
            return;
        }
        dev.junction.core.queue.Queue queue;
        if (declare.passive()) {
            queue = vhost.redeclaredQueue(lastDeclared.resolve(name, declare), connection);
        } else {
            if (name.isEmpty()) {
                name = EntityNames.generated("amq.gen-");
            }
            access.checkConfigure(Kind.QUEUE, name, declare);
            Map<String, Object> arguments = MessageMapping.arguments(declare.arguments());
            // As RabbitMQ: a dead-letter exchange on creation needs read on the queue and write on the exchange.
            if (arguments.get("x-dead-letter-exchange") instanceof String deadLetterExchange
                    && vhost.queue(name) == null) {
                access.checkRead(Kind.QUEUE, name, declare);
                access.checkWrite(Kind.EXCHANGE, deadLetterExchange, declare);
            }
            queue = vhost.declareQueue(name, new QueueSettings(declare.durable(),
                    declare.exclusive() ? connection : null, declare.autoDelete(), arguments),
                    declare.exclusive() ? connection.exclusiveQueueOwner() : null);
            if (declare.exclusive()) {
                connection.exclusiveQueueDeclared(name);
            }
        }
        lastDeclared.declared(queue.name());
        replies.replyUnlessNowait(declare.nowait(), new Queue.DeclareOk(queue.name(), queue.readyCount(),
                queue.consumerCount()));
    }

    void bindQueue(Queue.Bind bind) {
        BindingEnds ends = queueBinding(bind.exchange(), bind.queue(), bind);
        vhost.bindQueue(ends.source(), ends.destination(), ends.routingKey(bind.routingKey(), bind.queue()),
                bind.arguments(), connection);
        replies.replyUnlessNowait(bind.nowait(), new Queue.BindOk());
    }

    void unbindQueue(Queue.Unbind unbind) {
        BindingEnds ends = queueBinding(unbind.exchange(), unbind.queue(), unbind);
        vhost.unbindQueue(ends.source(), ends.destination(), ends.routingKey(unbind.routingKey(), unbind.queue()),
                unbind.arguments(), connection);
        replies.reply(new Queue.UnbindOk());
    }

    void purgeQueue(Queue.Purge purge) {
        String name = lastDeclared.resolve(purge.queue(), purge);
        access.checkRead(Kind.QUEUE, name, purge);
        dev.junction.core.queue.Queue queue = vhost.existingQueue(name, connection);
        replies.answerLater(queue.purge(), count -> replies.replyUnlessNowait(purge.nowait(),
                new Queue.PurgeOk(count)), count -> { }, purge);
    }

    void deleteQueue(Queue.Delete delete) {
        String name = lastDeclared.resolve(EntityNames.stripped(delete.queue()), delete);
        access.checkConfigure(Kind.QUEUE, name, delete);
        CompletableFuture<Integer> deleted = vhost.deleteQueue(name, connection, delete.ifUnused(),
                delete.ifEmpty());
        connection.exclusiveQueueDeleted(name);
        replies.answerLater(deleted, count -> replies.replyUnlessNowait(delete.nowait(), new Queue.DeleteOk(count)),
                count -> { }, delete);
    }

    /** The source exchange and the destination of a binding, as the bind or unbind names them once resolved. */
    private record BindingEnds(String source, String destination) {
        /** A queue bind with empty queue and routing key uses the last declared queue's name as key too. */
        String routingKey(String requestedKey, String requestedQueue) {
            return requestedKey.isEmpty() && requestedQueue.isEmpty() ? destination : requestedKey;
        }
    }

    private BindingEnds exchangeBinding(String source, String destination, AmqpMethod method) {
        BindingEnds ends = new BindingEnds(EntityNames.stripped(source), EntityNames.stripped(destination));
        checkBinding(Kind.EXCHANGE, ends, method);
        return ends;
    }

    private BindingEnds queueBinding(String exchange, String queue, AmqpMethod method) {
        String resolved = lastDeclared.resolve(EntityNames.stripped(queue), method);
        BindingEnds ends = new BindingEnds(EntityNames.stripped(exchange), resolved);
        checkBinding(Kind.QUEUE, ends, method);
        return ends;
    }

    /**
     * RabbitMQ's checks for a binding: write on the destination, then read on the source exchange. A binding
     * involving the default exchange is refused by the core whatever the permissions, so its read is not checked.
     */
    private void checkBinding(Kind destinationKind, BindingEnds ends, AmqpMethod method) {
        access.checkWrite(destinationKind, ends.destination(), method);
        boolean defaultExchangeInvolved = ends.source().isEmpty()
                || destinationKind == Kind.EXCHANGE && ends.destination().isEmpty();
        if (!defaultExchangeInvolved) {
            access.checkRead(Kind.EXCHANGE, ends.source(), method);
        }
    }
}
