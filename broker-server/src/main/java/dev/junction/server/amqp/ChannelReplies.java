package dev.junction.server.amqp;

import dev.junction.amqp.codec.method.AmqpMethod;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the parts of a channel (topology, publisher, consumer side) need from the channel itself: whether it is
 * still open, and replies written in the order of the requests. Event loop only.
 */
interface ChannelReplies {
    boolean isOpen();

    void reply(AmqpMethod method);

    default void replyUnlessNowait(boolean nowait, AmqpMethod method) {
        if (!nowait) {
            reply(method);
        }
    }

    /**
     * Holds the channel's later commands back until the shard's answer is written, then lets them through in
     * order. If the channel closed meanwhile, {@code onAbandoned} gives back whatever the answer holds.
     */
    <T> void answerLater(CompletableFuture<T> answer, Consumer<T> onAnswer, Consumer<T> onAbandoned,
                         AmqpMethod method);
}
