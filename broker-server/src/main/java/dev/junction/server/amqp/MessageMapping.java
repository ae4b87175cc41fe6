package dev.junction.server.amqp;

import dev.junction.amqp.codec.method.BasicProperties;
import dev.junction.amqp.codec.types.LongString;
import dev.junction.core.message.MessageProperties;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Translates between the codec's types and the core's: basic properties to message properties (the same fourteen
 * fields; timestamps in seconds), and declaration arguments, whose long strings become Java strings so the core's
 * argument checks can read them. Message headers pass through untouched, so what a client sends is what a
 * consumer gets, byte for byte.
 */
final class MessageMapping {
    private MessageMapping() {
    }

    static MessageProperties toCore(BasicProperties p) {
        if (p == BasicProperties.EMPTY) {
            return MessageProperties.EMPTY;
        }
        return new MessageProperties(p.contentType(), p.contentEncoding(), p.headers(), p.deliveryMode(),
                p.priority(), p.correlationId(), p.replyTo(), p.expiration(), p.messageId(),
                p.timestamp() == null ? null : p.timestamp().getEpochSecond(), p.type(), p.userId(), p.appId(),
                p.clusterId());
    }

    static BasicProperties toAmqp(MessageProperties p) {
        if (p == MessageProperties.EMPTY) {
            return BasicProperties.EMPTY;
        }
        return new BasicProperties(p.contentType(), p.contentEncoding(), p.headers(), p.deliveryMode(),
                p.priority(), p.correlationId(), p.replyTo(), p.expiration(), p.messageId(),
                p.timestamp() == null ? null : Instant.ofEpochSecond(p.timestamp()), p.type(), p.userId(),
                p.appId(), p.clusterId());
    }

    /** Declaration arguments with top-level long strings as strings. */
    static Map<String, Object> arguments(Map<String, Object> table) {
        if (table.isEmpty()) {
            return table;
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        table.forEach((name, value) -> arguments.put(name, value instanceof LongString text ? text.toString() : value));
        return arguments;
    }
}
