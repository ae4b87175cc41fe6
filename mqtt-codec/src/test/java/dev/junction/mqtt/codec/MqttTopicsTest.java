package dev.junction.mqtt.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MqttTopicsTest {
    @Test
    void topicNames() {
        for (String valid : new String[] {"a", "/", "//", "a/b/c", "/a", "a/", "$SYS/broker", " ", "ü/€",
                "a".repeat(65535)}) {
            assertTrue(MqttTopics.isValidTopicName(valid), valid);
        }
        for (String invalid : new String[] {"", "a/+", "#", "a/#", "a+b", "a\u0000b", "x\uDC00", "a".repeat(65536),
                null}) {
            assertFalse(MqttTopics.isValidTopicName(invalid), String.valueOf(invalid));
        }
    }

    @Test
    void topicFilters() {
        for (String valid : new String[] {"#", "+", "/", "a/#", "+/+", "/+", "+/", "a/+/b", "+/#", "/#", "//", "$SYS/#",
                "sport/tennis/+"}) {
            assertTrue(MqttTopics.isValidTopicFilter(valid), valid);
        }
        for (String invalid : new String[] {"", "a#", "a/#/b", "#/", "##", "a+", "+a", "a/b+/c", "++", "a/\u0000",
                "\uD800", null}) {
            assertFalse(MqttTopics.isValidTopicFilter(invalid), String.valueOf(invalid));
        }
    }
}
