package dev.junction.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicSyntaxTest {

    @ParameterizedTest(name = "MQTT filter \"{0}\" valid: {1}")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            // [MQTT-4.7.1-2] '#' alone or after a separator, and last
            "#|true", "sport/#|true", "sport/tennis/#|true", "/#|true", "sport/tennis#|false",
            "sport/tennis/#/ranking|false", "#/|false", "##|false", "a#|false", "#a|false",
            // [MQTT-4.7.1-3] '+' is a whole level, anywhere
            "+|true", "+/tennis/#|true", "sport/+/player1|true", "sport+|false", "+a|false", "a/+b|false",
            "+/+|true", "/+|true", "+/|true", "++|false",
            // empty levels are legal; the empty filter is not [MQTT-4.7.3-1]
            "/finance|true", "a//b|true", "/|true", "//|true", "''|false",
            "$SYS/#|true", "a$|true", "caf\u00e9/\u00fc|true",
            // [MQTT-4.7.3-2] no U+0000
            "a\u0000b|false"})
    void mqttFilterValidity(String filter, boolean valid) {
        assertEquals(valid, TopicSyntax.MQTT.isValidFilter(filter));
    }

    @ParameterizedTest(name = "AMQP binding key \"{0}\" is valid")
    @ValueSource(strings = {
            "", ".", "a..b", "#", "*", "#.#", "a.#.b", "a*b", "#a", "a.*#", "*.*.*", "stock.usd.nyse", "a/b+c",
            "sport#", "\u0000"})
    void everyAmqpBindingKeyIsValid(String filter) {
        assertTrue(TopicSyntax.AMQP.isValidFilter(filter));
    }

    @ParameterizedTest(name = "MQTT topic name \"{0}\" valid: {1}")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            "a|true", "/|true", "a//b|true", "$SYS/x|true", "s/*|true", "a.b|true", "caf\u00e9|true",
            // [MQTT-4.7.3-1], [MQTT-3.3.2-2], [MQTT-4.7.3-2]
            "''|false", "a/+|false", "a/#|false", "a+b|false", "a#|false", "a\u0000b|false"})
    void mqttTopicNameValidity(String name, boolean valid) {
        assertEquals(valid, TopicSyntax.MQTT.isValidTopicName(name));
        assertTrue(TopicSyntax.AMQP.isValidTopicName(name), "any string is a routing key");
    }

    @ParameterizedTest(name = "MQTT filter \"{0}\" covers \"{1}\": {2}")
    @CsvSource(delimiter = '|', value = {
            "#|a/b/#|true", "a/+|a/+|true", "a/+|a/#|false", "a/b|a/+|false", "a/+|a/b/c|false", "a/#|a|true",
            "a/+|a/b|true", "+/+|a/b|true", "a/#|a/+/c|true",
            // [MQTT-4.7.2-1]: a first-level wildcard reaches no '$' topic
            "#|$SYS/#|false", "+/x|$app/x|false", "$SYS/#|$SYS/broker/+|true",
            // '*' and '.' are ordinary characters: they cover only themselves and are covered by wildcards
            "s/*|s/secret|false", "s/*|s/+|false", "s/*|s/*|true", "s/+|s/*|true", "a.b|a/b|false", "*|a|false"})
    void mqttCoverage(String wider, String narrower, boolean covers) {
        assertEquals(covers, TopicSyntax.MQTT.covers(wider, narrower));
    }

    @ParameterizedTest(name = "MQTT filter \"{0}\" has a wildcard: {1}")
    @CsvSource(delimiter = '|', value = {"a/b|false", "s/*|false", "a/+|true", "#|true", "a/b#|false", "a+|false"})
    void mqttWildcards(String filter, boolean wildcard) {
        assertEquals(wildcard, TopicSyntax.MQTT.hasWildcard(filter));
    }
}
