package dev.junction.core.queue;

import dev.junction.core.message.Message;
import dev.junction.core.store.MessagePages;
import dev.junction.core.store.StoredMessage;

/** What a queue needs from the virtual host that holds it: somewhere to dead-letter, and removal when unused. */
public interface QueueHost {
    /** Publishes a dead-lettered message to an exchange, taking over the reference; dropped if it does not route. */
    void deadLetter(String exchange, Message message);

    /** The queue is to be deleted: auto-delete after its last consumer, or x-expires after disuse. */
    void deleteUnused(Queue queue);

    /** The queue is done with a message (settled, dropped, expired, dead-lettered or deleted); called before it lets go. */
    void settled(Queue queue, Message message);

    /** Where the queue pages message bodies out of the heap; by default it keeps them all in memory. */
    default MessagePages pages() {
        return MessagePages.NONE;
    }

    /**
     * The id of the message's persistent record when this queue holds it in the store (the body can be read back
     * from it until the queue settles it), or -1.
     */
    default long storedRecord(Queue queue, Message message) {
        return -1;
    }

    /**
     * The handle to settle a message read back from its persistent record {@code recordId} with, when the message was
     * stored for this queue alone (the queue keeps a shared handle itself); null where nothing is stored.
     */
    default StoredMessage storedCopy(Queue queue, long recordId) {
        return null;
    }

    /** When the host's queues hold their publishers back; read once, when a queue is created. */
    default FlowLimits flowLimits() {
        return FlowLimits.NONE;
    }

    /** For queues outside any virtual host (tests): dead letters are dropped and nothing is deleted. */
    QueueHost DETACHED = new QueueHost() {
        @Override
        public void deadLetter(String exchange, Message message) {
            message.release();
        }

        @Override
        public void deleteUnused(Queue queue) {
        }

        @Override
        public void settled(Queue queue, Message message) {
        }
    };
}
