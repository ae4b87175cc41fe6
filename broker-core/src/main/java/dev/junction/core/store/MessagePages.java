package dev.junction.core.store;

import io.netty.buffer.ByteBuf;

/**
 * Where queues put message bodies they no longer keep in the heap, and read them back from. A body is read back
 * from the message's own persistent record when the queue holds it in the store, or from a page record the queue
 * wrote for it (transient messages, non-durable queues). Page records do not survive a restart: the queues that
 * wrote them are gone by then.
 */
public interface MessagePages {

    /** An engine that keeps nothing: queues hold every body in memory. */
    MessagePages NONE = new MessagePages() {
        @Override
        public long queueMemoryLimit() {
            return Long.MAX_VALUE;
        }

        @Override
        public long write(ByteBuf body, StoreListener listener) {
            body.release();
            return -1;
        }

        @Override
        public void read(long[] recordIds, Reader reader) {
            reader.read(new ByteBuf[recordIds.length]);
        }

        @Override
        public void release(long pageRecordId) {
        }
    };

    /** Bytes of message bodies one queue keeps in memory; beyond it, the bodies of new messages are paged out. */
    long queueMemoryLimit();

    /**
     * Writes a page record holding {@code body} (taken over) and tells {@code listener} once it can be read back.
     * Any thread. Returns the record's id, or -1 when the body cannot be paged (too large for a record): keep it.
     */
    long write(ByteBuf body, StoreListener listener);

    /**
     * Reads back the bodies of these records (page records, or message records the store wrote) off the caller's
     * thread, in one go. Any thread; requests from one thread complete in order.
     */
    void read(long[] recordIds, Reader reader);

    /** The page record is no longer needed. Any thread; may be called before its write has completed. */
    void release(long pageRecordId);

    @FunctionalInterface
    interface Reader {
        /**
         * On the store's thread: hand the bodies over, never block. {@code bodies[i]} belongs to the receiver; it is
         * null when record {@code i} could not be read (released, never written, or damaged).
         */
        void read(ByteBuf[] bodies);
    }
}
