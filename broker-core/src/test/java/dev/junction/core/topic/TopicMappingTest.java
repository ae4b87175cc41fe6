package dev.junction.core.topic;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

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
    void wildcardCharactersStayWhatTheyAre() {
        // '+' and '#' cannot occur in a valid topic name, '*' is ordinary: the conversion invents no wildcard.
        assertEquals("a.+", TopicMapping.routingKey("a/+"));
        assertEquals("s/*", TopicMapping.topicName("s.*"));
        assertEquals("a/#", TopicMapping.topicName("a.#"));
    }

    @Test
    void aKeyWithoutSeparatorsIsItsOwnTopicName() {
        String key = "plain";
        assertSame(key, TopicMapping.topicName(key));
    }
}
