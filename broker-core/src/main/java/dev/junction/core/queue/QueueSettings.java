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
}
