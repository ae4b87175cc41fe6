package dev.junction.core.queue;

import dev.junction.core.Arguments;

import java.util.Map;

/**
 * What queue.declare fixes for a queue's lifetime. {@code exclusiveOwner} identifies the connection that owns an
 * exclusive queue (null for a shared queue); the core compares it by identity and knows nothing else of it.
 */
public record QueueSettings(boolean durable, Object exclusiveOwner, boolean autoDelete, Map<String, Object> arguments) {
    public QueueSettings {
        arguments = Arguments.checkedCopyOf(arguments);
    }

    public boolean exclusive() {
        return exclusiveOwner != null;
    }

    /** AMQP's rule for redeclaration: the same durable, exclusive, auto-delete flags and arguments. */
    public boolean isEquivalent(QueueSettings other) {
        return durable == other.durable && exclusive() == other.exclusive() && autoDelete == other.autoDelete
                && arguments.equals(other.arguments);
    }
}
