package dev.junction.core.queue;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.StoredMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * What a queue keeps of a message whose body it paged out: everything but the body, and the store record to read
 * the body back from ({@code pageRecord}: a page record the queue wrote and must release, else the message's own
 * persistent record).
 */
record PagedMessage(String exchange, String routingKey, MessageProperties properties, StoredMessage stored,
                    long recordId, boolean pageRecord) {

    static PagedMessage of(Message message, long recordId, boolean pageRecord) {
        return new PagedMessage(message.exchange(), message.routingKey(), message.properties(), message.stored(),
                recordId, pageRecord);
    }

    /** The message again, around a body read back (taken over). */
    Message withBody(ByteBuf body) {
        Message message = new Message(exchange, routingKey, properties, body);
        message.stored(stored);
        return message;
    }

    /** The message without its body, for settling it without reading it back (purge, deletion, a lost page). */
    Message hollow() {
        return withBody(Unpooled.EMPTY_BUFFER);
    }
}
