package dev.junction.core.store;

import dev.junction.core.message.MessageProperties;
import io.netty.buffer.ByteBuf;

/**
 * A persistent message read back at start-up, with the durable queues that still held it. The body is owned by
 * whoever takes the message over (the broker re-enqueues it).
 */
public record RecoveredMessage(StoredMessage stored, String exchange, String routingKey,
                               MessageProperties properties, ByteBuf body) {

    /** Ids of the queues that had not settled it, in the order it was written for them. */
    public long[] queueIds() {
        return stored.holders();
    }
}
