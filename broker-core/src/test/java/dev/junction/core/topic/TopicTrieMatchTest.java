package dev.junction.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One filter, one topic: is the subscription visited, and exactly once? */
class TopicTrieMatchTest {

    @ParameterizedTest(name = "MQTT \"{0}\" ~ \"{1}\": {2}")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            // MQTT 3.1.1 section 4.7.1.2, multi-level wildcard
            "sport/tennis/player1/#|sport/tennis/player1|true",
            "sport/tennis/player1/#|sport/tennis/player1/ranking|true",
            "sport/tennis/player1/#|sport/tennis/player1/score/wimbledon|true",
            "sport/#|sport|true",
            "sport/#|sport/|true",
            "sport/#|sports|false",
            "#|sport/tennis|true",
            "#|/|true",
            // section 4.7.1.3, single-level wildcard
            "sport/tennis/+|sport/tennis/player1|true",
            "sport/tennis/+|sport/tennis/player2|true",
            "sport/tennis/+|sport/tennis/player1/ranking|false",
            "sport/+|sport|false",
            "sport/+|sport/|true",
            "+/+|/finance|true",
            "/+|/finance|true",
            "+|/finance|false",
            "+/tennis/#|sport/tennis|true",
            "sport/+/player1|sport/tennis/player1|true",
            "sport/+/player1|sport/tennis/player2|false",
            // section 4.7.2, topics beginning with '$' [MQTT-4.7.2-1]
            "#|$SYS/monitor/Clients|false",
            "+/monitor/Clients|$SYS/monitor/Clients|false",
            "$SYS/#|$SYS/monitor/Clients|true",
            "$SYS/monitor/+|$SYS/monitor/Clients|true",
            "+|$SYS|false",
            "#|$|false",
            "$SYS|$SYS|true",
            "+/$x|a/$x|true",
            "a/+|a/$x|true",
            "a/#|a/$x|true",
            "+/x|/x|true",
            // section 4.7.3, case sensitivity, spaces, empty levels
            "ACCOUNTS|Accounts|false",
            "Accounts payable|Accounts payable|true",
            "/finance|finance|false",
            "a//b|a//b|true",
            "a//b|a/b|false",
            "a/+/b|a//b|true",
            "a/#|a//b|true",
            "/|/|true",
            "+/+|/|true",
            "+|/|false",
            "sport/tennis|sport/tennis/|false",
            "sport/tennis/|sport/tennis/|true",
            // '.' and '*' are ordinary characters in MQTT
            "a.*|a.*|true",
            "a.*|a.b|false",
            "s/*|s/secret|false",
            "s/*|s/*|true",
            "*|a|false",
            "*|*|true",
            "a.b|a/b|false",
            "a/b*|a/b*|true",
            "a/b*|a/bc|false",
            "a/*b|a/xb|false",
            "a/x.y|a/x.y|true",
            "a/x.y|a/x/y|false",
            "+/x|$app/x|false",
            "$app/#|$app/x|true",
            "#|$app|false",
            "$app/+|$app/x|true"})
    void mqtt(String filter, String topic, boolean matches) {
        assertVisits(TopicSyntax.MQTT, filter, topic, matches ? 1 : 0);
    }

    /** '' is the empty string (the empty routing key is zero words). */
    @ParameterizedTest(name = "AMQP \"{0}\" ~ \"{1}\": {2}")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            "*.orange.*|quick.orange.rabbit|true",
            "*.*.rabbit|lazy.orange.rabbit|true",
            "lazy.#|lazy|true",
            "lazy.#|lazy.orange.male.rabbit|true",
            "*.orange.*|quick.brown.fox|false",
            "*.orange.*|orange|false",
            "*.orange.*|quick.orange.male.rabbit|false",
            "stock.usd.nyse|stock.usd.nyse|true",
            "stock.usd.nyse|stock.usd|false",
            // '*' is exactly one word, '#' zero or more
            "*|a|true",
            "*|a.b|false",
            "*|''|false",
            "#|''|true",
            "#|a.b.c|true",
            "a.#|a|true",
            "a.#|a.|true",
            "a.#|ab|false",
            "#.b|b|true",
            "#.b|a.b|true",
            "#.b|b.a|false",
            "a.#.b|a.b|true",
            "a.#.b|a.x.y.b|true",
            "a.#.b|a.x.y|false",
            "a.*.b|a.b|false",
            "a.*.b|a.x.b|true",
            // empty words and the empty routing key (zero words)
            "''|''|true",
            "''|a|false",
            "a..b|a..b|true",
            "a..b|a.b|false",
            "a.*.b|a..b|true",
            ".|.|true",
            "*.*|.|true",
            "*|.|false",
            ".|''|false",
            "#.#|.|true",
            // wildcards only as whole words
            "a*b|a*b|true",
            "a*b|axb|false",
            "a#|a#|true",
            "a#|a.b|false",
            // several ways to match still visit once
            "#.#|''|true",
            "#.#|a.b.c|true",
            "#.a.#|a.a.a|true",
            "#.*.#|a.b|true",
            "a.#.#.b|a.b.b.b|true",
            "#.#.#|x|true",
            "#.a.#.a|a.a.a|true",
            // no '$' rule and '/' is ordinary in AMQP
            "#|$SYS.x|true",
            "*.x|$SYS.x|true",
            "a/b|a/b|true",
            "a/+|a/b|false"})
    void amqp(String filter, String topic, boolean matches) {
        assertVisits(TopicSyntax.AMQP, filter, topic, matches ? 1 : 0);
    }

    private static void assertVisits(TopicSyntax syntax, String filter, String topic, int expected) {
        assertEquals(expected == 1, ReferenceMatcher.matches(syntax, filter, topic), "the table itself is wrong");
        assertEquals(expected == 1, syntax.matches(filter, topic), "the single-filter matcher");
        TopicTrie<String> trie = new TopicTrie<>(syntax);
        trie.subscribe(filter, "subscriber");
        List<String> visited = new ArrayList<>();
        trie.match(topic, visited::add);
        assertEquals(expected, visited.size(), () -> "visits of '" + filter + "' for '" + topic + "': " + visited);
    }
}
