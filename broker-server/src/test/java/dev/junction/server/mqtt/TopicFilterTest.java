package dev.junction.server.mqtt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TopicFilterTest {
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "sport/tennis/player1/#|sport/tennis/player1|true",
            "sport/tennis/player1/#|sport/tennis/player1/ranking|true",
            "sport/tennis/player1/#|sport/tennis/player1/score/wimbledon|true",
            "sport/#|sport|true",
            "#|sport/tennis|true",
            "#|/|true",
            "sport/tennis/+|sport/tennis/player1|true",
            "sport/tennis/+|sport/tennis/player1/ranking|false",
            "sport/+|sport|false",
            "sport/+|sport/|true",
            "+/+|/finance|true",
            "/+|/finance|true",
            "+|/finance|false",
            "+|finance|true",
            "a/b|a/b|true",
            "a/b|a/bc|false",
            "a/bc|a/b|false",
            "a/b|a/b/c|false",
            "a/b/c|a/b|false",
            "a//b|a//b|true",
            "a/+/b|a//b|true",
            "#|$SYS/broker/uptime|false",
            "+/broker/uptime|$SYS/broker/uptime|false",
            "$SYS/#|$SYS/broker/uptime|true",
            "$SYS/broker/+|$SYS/broker/uptime|true",
            "a/*/b|a/x/b|false",
    })
    void matchesAsSection4_7Says(String filter, String topic, boolean expected) {
        assertEquals(expected, TopicFilter.matches(filter, topic));
    }
}
