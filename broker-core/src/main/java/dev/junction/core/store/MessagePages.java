package dev.junction.core.store;

import dev.junction.core.message.Message;

/**
 * Where queues put messages they no longer keep in the heap, and read them back from: body, exchange, routing key
 * and properties together, so that the queue keeps only a few numbers per message. A message is read back from its
 * own persistent record when the queue holds it in the store, or from a page record the queue wrote for it
 * (transient messages, non-durable queues). Page records do not survive a restart: the queues that wrote them are
 * gone by then.
 */
public interface MessagePages {

    /** An engine that keeps nothing: queues hold every body in memory. */
    MessagePages NONE = new MessagePages() {
        @Override
        public long queueMemoryLimit() {
            return Long.MAX_VALUE;
        }

        @Override
        public long write(Message message, StoreListener listener) {
            return -1;
        }

        @Override
        public void read(long[] recordIds, Reader reader) {
            reader.read(new Message[recordIds.length]);
        }

        @Override
        public void release(long pageRecordId) {
        }
    };

    /** Bytes of message bodies one queue keeps in memory; beyond it, the bodies of new messages are paged out. */
    long queueMemoryLimit();

    /**
     * Writes a page record holding the message (its body shared, not copied; the caller keeps its reference) and
     * tells {@code listener} once it can be read back. Any thread. Returns the record's id, or -1 when the message
     * cannot be paged (too large for a record): keep it.
     */
    long write(Message message, StoreListener listener);

    /**
     * Reads back the messages of these records (page records, or message records the store wrote) off the caller's
     * thread, in one go. Any thread; requests from one thread complete in order.
     */
    void read(long[] recordIds, Reader reader);

    /** The page record is no longer needed. Any thread; may be called before its write has completed. */
    void release(long pageRecordId);

    @FunctionalInterface
    interface Reader {
        /**
         * On the store's thread: hand the messages over, never block. {@code messages[i]} belongs to the receiver
         * (one reference, no {@link Message#stored() store handle}: the queue knows its own); it is null when record
         * {@code i} could not be read (released, never written, or damaged).
         */
        void read(Message[] messages);
    }
}
