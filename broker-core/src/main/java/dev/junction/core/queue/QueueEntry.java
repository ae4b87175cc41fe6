package dev.junction.core.queue;

import dev.junction.core.message.Message;

/**
 * A message's place in one queue: its arrival number there, whether it was delivered before, its priority level
 * in this queue, and when it expires here ({@code expires} false: never). While the queue has paged the body out,
 * {@link #message()} is null and {@link #page} says where to read it back; the paging fields belong to
 * {@link ReadyMessages}.
 */
final class QueueEntry implements Comparable<QueueEntry> {
    enum Place { MEMORY, PAGED, GONE }

    private final long id;
    private final boolean isRedelivered;
    private final int priority;
    private final boolean expires;
    private final long expiresAtNanos;
    private final int bodySize;
    Message message;
    /** The store copy of the body; null if there is none. */
    PagedMessage page;
    Place place = Place.MEMORY;
    boolean reading;

    QueueEntry(long id, Message message, boolean isRedelivered, int priority, boolean expires, long expiresAtNanos) {
        this.id = id;
        this.message = message;
        this.isRedelivered = isRedelivered;
        this.priority = priority;
        this.expires = expires;
        this.expiresAtNanos = expiresAtNanos;
        this.bodySize = message.bodySize();
    }

    long id() {
        return id;
    }

    /** Null while the body is paged out: entries are handed out of the ready set only with their message. */
    Message message() {
        return message;
    }

    boolean isRedelivered() {
        return isRedelivered;
    }

    int priority() {
        return priority;
    }

    boolean expires() {
        return expires;
    }

    long expiresAtNanos() {
        return expiresAtNanos;
    }

    int bodySize() {
        return bodySize;
    }

    boolean persistent() {
        return (message != null ? message.properties() : page.properties()).persistent();
    }

    /** Only for an entry that holds its message (it was delivered). */
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
