package dev.junction.core.queue;

import dev.junction.core.message.Message;

/** A message's place in one queue: its arrival number there and whether it was delivered before. */
record QueueEntry(long id, Message message, boolean isRedelivered) implements Comparable<QueueEntry> {
    QueueEntry(long id, Message message) {
        this(id, message, false);
    }

    QueueEntry redelivered() {
        return isRedelivered ? this : new QueueEntry(id, message, true);
    }

    @Override
    public int compareTo(QueueEntry other) {
        return Long.compare(id, other.id);
    }
}
