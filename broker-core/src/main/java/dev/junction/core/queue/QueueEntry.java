package dev.junction.core.queue;

import dev.junction.core.message.Message;

/**
 * A message's place in one queue: its arrival number there, whether it was delivered before, its priority level
 * in this queue, and when it expires here ({@code expires} false: never).
 */
record QueueEntry(long id, Message message, boolean isRedelivered, int priority, boolean expires,
                  long expiresAtNanos) implements Comparable<QueueEntry> {

    QueueEntry redelivered() {
        return isRedelivered ? this : new QueueEntry(id, message, true, priority, expires, expiresAtNanos);
    }

    boolean isExpired(long nowNanos) {
        return expires && expiresAtNanos - nowNanos <= 0;
    }

    @Override
    public int compareTo(QueueEntry other) {
        return Long.compare(id, other.id);
    }
}
