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
}
