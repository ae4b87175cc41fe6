package dev.junction.core.queue;

import dev.junction.core.exchange.MqttBindingArguments;
import dev.junction.core.message.Message;

/**
 * A message in memory in one queue: its arrival number there, whether it was delivered before, its priority level
 * in this queue, when it expires here ({@code expires} false: never), and the QoS the MQTT subscription that routed
 * it here granted ({@link MqttBindingArguments#NOT_MQTT} if none did). A message whose body the queue paged out
 * is no entry but a slot of a {@link PagedTail} until it is read back.
 */
final class QueueEntry implements Comparable<QueueEntry> {
    private final long id;
    private final Message message;
    private final boolean isRedelivered;
    private final int priority;
    private final boolean expires;
    private final long expiresAtNanos;
    private final int bodySize;
    private final byte grantedQos;

    QueueEntry(long id, Message message, boolean isRedelivered, int priority, boolean expires, long expiresAtNanos,
               int grantedQos) {
        this.id = id;
        this.message = message;
        this.isRedelivered = isRedelivered;
        this.priority = priority;
        this.expires = expires;
        this.expiresAtNanos = expiresAtNanos;
        this.bodySize = message.bodySize();
        this.grantedQos = (byte) grantedQos;
    }

    long id() {
        return id;
    }

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

    int grantedQos() {
        return grantedQos;
    }

    boolean persistent() {
        return message.properties().persistent();
    }

    QueueEntry redelivered() {
        return isRedelivered ? this : new QueueEntry(id, message, true, priority, expires, expiresAtNanos,
                grantedQos);
    }

    boolean isExpired(long nowNanos) {
        return expires && expiresAtNanos - nowNanos <= 0;
    }

    @Override
    public int compareTo(QueueEntry other) {
        return Long.compare(id, other.id);
    }
}
