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
import dev.junction.core.vhost.VirtualHost;
import dev.junction.server.stats.MessageCounters;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One AMQP channel: the thin dispatcher of its methods to the parts that handle them ({@link ChannelTopology},
 * {@link ChannelPublisher}, {@link ChannelConsumers}), its open and closing states, and the order of its replies.
 * Event-loop state only. Methods whose answer needs a queue's shard (purge, delete, get, consume, tx.commit) hold
 * the channel's later commands back until the answer is written, so replies keep the order of requests.
 */
final class AmqpChannel implements ChannelReplies {
    private final AmqpConnection connection;
    private final int number;
    private final long maxMessageSize;
    /** Small at first: commands wait only while an earlier one awaits its answer, which most channels never do. */
    private final ArrayDeque<AmqpCommand> waiting = new ArrayDeque<>(2);
    private final ChannelTopology topology;
    private final ChannelConsumers consumers;
    private final ChannelPublisher publisher;
    private boolean open = true;
    private boolean busy;

    AmqpChannel(AmqpConnection connection, int number, VirtualHost vhost, ResourceAccess access,
                MessageCounters messages, DirectReplyTo directReplyTo, long maxMessageSize) {
        this.connection = connection;
        this.number = number;
        this.maxMessageSize = maxMessageSize;
        LastDeclaredQueue lastDeclared = new LastDeclaredQueue();
        this.topology = new ChannelTopology(this, connection, vhost, access, directReplyTo, lastDeclared);
        this.consumers = new ChannelConsumers(this, connection, number, vhost, access, messages, directReplyTo,
                lastDeclared);
        this.publisher = new ChannelPublisher(this, connection, number, vhost, access, messages, directReplyTo,
                consumers);
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
                consumers.consumerCount(), consumers.unackedCount(), publisher.confirmMode(),
                publisher.transactional(), open ? "running" : "closing", consumers.snapshots());
    }

    // ---- receiving ----

    /** A command for this channel; the caller releases it afterwards, so anything kept is retained. */
    void receive(AmqpCommand command) {
        assert connection.inEventLoop() : "a channel's state is its connection's event loop's";
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
                    + " is larger than configured max size " + maxMessageSize,
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
            publisher.publish(publish, command);
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
            topology.declareExchange(declare);
        } else if (method instanceof Exchange.Delete delete) {
            topology.deleteExchange(delete);
        } else if (method instanceof Exchange.Bind bind) {
            topology.bindExchange(bind);
        } else if (method instanceof Exchange.Unbind unbind) {
            topology.unbindExchange(unbind);
        } else if (method instanceof Queue.Declare declare) {
            topology.declareQueue(declare);
        } else if (method instanceof Queue.Bind bind) {
            topology.bindQueue(bind);
        } else if (method instanceof Queue.Unbind unbind) {
            topology.unbindQueue(unbind);
        } else if (method instanceof Queue.Purge purge) {
            topology.purgeQueue(purge);
        } else if (method instanceof Queue.Delete delete) {
            topology.deleteQueue(delete);
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
            publisher.selectConfirms(select);
        } else if (method instanceof Tx.Select select) {
            publisher.selectTransaction(select);
        } else if (method instanceof Tx.Commit commit) {
            publisher.commit(commit);
        } else if (method instanceof Tx.Rollback rollback) {
            publisher.rollback(rollback);
        } else if (method instanceof Access.Request) {
            reply(new Access.RequestOk(1));
        } else {
            throw AmqpError.hard(AmqpConstants.COMMAND_INVALID, "method " + method.protocolMethodName()
                    + " is not one a client sends", method);
        }
    }

    /** Inside a transaction the settlement waits for tx.commit; the tags are taken, and so unknown, at once. */
    private void settle(long deliveryTag, boolean multiple, Settlement settlement, AmqpMethod method) {
        List<Unacked> settled = consumers.takeUnacked(deliveryTag, multiple, method);
        if (!publisher.deferredToCommit(settled, settlement)) {
            consumers.apply(settled, settlement);
        }
    }

    // ---- replies ----

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
        publisher.release();
        consumers.requeueAll();
        waiting.forEach(AmqpCommand::release);
        waiting.clear();
    }
}
