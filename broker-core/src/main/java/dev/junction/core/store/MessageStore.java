package dev.junction.core.store;

import dev.junction.core.message.Message;

/**
 * Persistent messages of durable queues. A message routed to several durable queues is written once, naming all of
 * them; each queue then settles it on its own, and the stored copy is dropped when the last one has.
 */
public interface MessageStore {

    /**
     * Writes {@code message} (its body is shared, not copied) for the durable queues with these ids and tells
     * {@code listener} when it is durable. Any thread. Returns the handle the queues settle with, or null when the
     * engine keeps nothing to settle.
     */
    StoredMessage write(Message message, long[] queueIds, StoreListener listener);

    /**
     * The queue with this id is done with the message (acknowledged, dropped, expired, dead-lettered, or the queue
     * was deleted). Any thread; each queue settles a message at most once.
     */
    void settle(StoredMessage message, long queueId);
}
