package dev.junction.server.mqtt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TopicMappingTest {
    @Test
    void topicNamesSwapSlashAndDotBothWays() {
        assertEquals("sensors.kitchen.temperature", TopicMapping.routingKey("sensors/kitchen/temperature"));
        assertEquals("v1/0.a", TopicMapping.routingKey("v1.0/a"));
        assertEquals("devices/42/cmd", TopicMapping.topicName("devices.42.cmd"));
        assertEquals("a.b", TopicMapping.topicName("a/b"));
        assertEquals(".a..b.", TopicMapping.routingKey("/a//b/"));
    }

    @Test
    void filterWildcardsBecomeAmqpWildcards() {
        assertEquals("devices.*.cmd", TopicMapping.bindingKey("devices/+/cmd"));
        assertEquals("devices.#", TopicMapping.bindingKey("devices/#"));
        assertEquals("#", TopicMapping.bindingKey("#"));
        assertEquals("*", TopicMapping.bindingKey("+"));
    }

    @Test
    void aTopicNameKeepsAPlusLiteral() {
        // '+' cannot occur in a valid topic name, but the conversion must not invent a wildcard from one.
        assertEquals("a.+", TopicMapping.routingKey("a/+"));
    }
}
