package dev.junction.server.mqtt;

/**
 * MQTT topics and filters as routing keys and binding keys of the topic exchange, in RabbitMQ's MQTT plugin's
 * convention: the level separator {@code /} and the AMQP word separator {@code .} swap places both ways, and the
 * single-level wildcard {@code +} becomes {@code *} ({@code #} is the same in both).
 *
 * <p>The mapping is not exact for filters with a literal {@code *} level, which AMQP reads as a wildcard; the
 * session re-matches every delivery against its MQTT filters, so such a message is dropped there, not delivered.
 */
public final class TopicMapping {
    private TopicMapping() {
    }

    /** An MQTT topic name as a routing key. */
    public static String routingKey(String topicName) {
        return swapSeparators(topicName, false);
    }

    /** A routing key (from either protocol) as the MQTT topic name a subscriber sees. */
    public static String topicName(String routingKey) {
        return swapSeparators(routingKey, false);
    }

    /** An MQTT topic filter as a binding key. */
    public static String bindingKey(String topicFilter) {
        return swapSeparators(topicFilter, true);
    }

    private static String swapSeparators(String text, boolean filter) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = switch (chars[i]) {
                case '/' -> '.';
                case '.' -> '/';
                case '+' -> filter ? '*' : '+';
                default -> chars[i];
            };
        }
        return new String(chars);
    }
}
