package dev.junction.core.topic;

/**
 * MQTT topic names as routing keys, in RabbitMQ's MQTT plugin's convention: the level separator {@code /} and the
 * AMQP word separator {@code .} swap places both ways. Filters are not translated: an MQTT subscription is held in
 * MQTT syntax and matched against the routing key read back as a topic name (see the core's topic exchange).
 */
public final class TopicMapping {
    private TopicMapping() {
    }

    /** An MQTT topic name as a routing key. */
    public static String routingKey(String topicName) {
        return swapSeparators(topicName);
    }

    /** A routing key (from either protocol) as the MQTT topic name a subscriber sees. */
    public static String topicName(String routingKey) {
        return swapSeparators(routingKey);
    }

    private static String swapSeparators(String text) {
        if (text.indexOf('/') < 0 && text.indexOf('.') < 0) {
            return text;
        }
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = switch (chars[i]) {
                case '/' -> '.';
                case '.' -> '/';
                default -> chars[i];
            };
        }
        return new String(chars);
    }
}
