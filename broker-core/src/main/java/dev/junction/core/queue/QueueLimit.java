package dev.junction.core.queue;

import dev.junction.core.BrokerException;

import java.util.Map;

/**
 * A queue's length limit from its declaration arguments: {@code x-max-length} bounds the messages waiting for
 * delivery, and {@code x-overflow} says which one makes room: {@code drop-head} (the oldest, RabbitMQ's default)
 * or {@code drop-transient-first} (Junction's: the oldest non-persistent one, else the oldest), which lets a
 * session queue shed QoS 0 traffic before anything a publisher asked to keep.
 */
record QueueLimit(int maxLength, boolean dropTransientFirst) {
    static final String MAX_LENGTH = "x-max-length";
    static final String OVERFLOW = "x-overflow";

    static QueueLimit from(Map<String, Object> arguments) {
        Object maxLength = arguments.get(MAX_LENGTH);
        Object overflow = arguments.getOrDefault(OVERFLOW, "drop-head");
        if (maxLength != null && !(maxLength instanceof Number number && number.longValue() >= 0)) {
            throw BrokerException.preconditionFailed("invalid arg '" + MAX_LENGTH + "': " + maxLength);
        }
        boolean dropTransientFirst = switch (String.valueOf(overflow)) {
            case "drop-head" -> false;
            case "drop-transient-first" -> true;
            default -> throw BrokerException.preconditionFailed("invalid arg '" + OVERFLOW + "': " + overflow);
        };
        int limit = maxLength == null ? Integer.MAX_VALUE : (int) Math.min(((Number) maxLength).longValue(),
                Integer.MAX_VALUE);
        return new QueueLimit(limit, dropTransientFirst);
    }
}
