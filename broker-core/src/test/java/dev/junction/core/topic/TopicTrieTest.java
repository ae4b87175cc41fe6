package dev.junction.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopicTrieTest {
    private final TopicTrie<String> mqtt = new TopicTrie<>(TopicSyntax.MQTT);

    @Test
    void subscribingTwiceIsReportedAndCountedOnce() {
        assertTrue(mqtt.subscribe("a/+", "s1"));
        assertFalse(mqtt.subscribe("a/+", "s1"));
        assertTrue(mqtt.subscribe("a/+", "s2"));
        assertTrue(mqtt.subscribe("a/#", "s1"));
        assertEquals(3, mqtt.subscriptionCount());
    }

    @Test
    void subscriberIsVisitedOncePerMatchingFilter() {
        mqtt.subscribe("a/+", "s1");
        mqtt.subscribe("a/#", "s1");
        mqtt.subscribe("a/b", "s1");
        mqtt.subscribe("a/c", "s2");
        assertEquals(List.of("s1", "s1", "s1"), matches(mqtt, "a/b"));
    }

    @Test
    void subscribersAreComparedByEquals() {
        mqtt.subscribe("a", new String("s"));
        assertFalse(mqtt.subscribe("a", new String("s")));
        assertTrue(mqtt.unsubscribe("a", new String("s")));
        assertEquals(0, mqtt.subscriptionCount());
    }

    @Test
    void unsubscribeReportsAbsenceAndPrunesEmptiedNodes() {
        mqtt.subscribe("a/b/c", "s1");
        mqtt.subscribe("a/+/#", "s2");
        assertFalse(mqtt.unsubscribe("a/b/c", "s2"));
        assertFalse(mqtt.unsubscribe("a/b", "s1"));
        assertFalse(mqtt.unsubscribe("x/y", "s1"));
        assertFalse(mqtt.unsubscribe("a/#/b", "s1"), "an invalid filter is never subscribed");
        assertTrue(mqtt.unsubscribe("a/b/c", "s1"));
        assertFalse(mqtt.unsubscribe("a/b/c", "s1"));
        assertFalse(mqtt.root.isEmpty());
        assertTrue(mqtt.unsubscribe("a/+/#", "s2"));
        assertTrue(mqtt.root.isEmpty());
        assertEquals(0, mqtt.subscriptionCount());
        assertEquals(List.of(), matches(mqtt, "a/b/c"));
    }

    @Test
    void invalidFiltersAreRejectedWithTheBrokenRule() {
        IllegalArgumentException hash = assertThrows(IllegalArgumentException.class,
                () -> mqtt.subscribe("sport/tennis#", "s"));
        assertTrue(hash.getMessage().contains("MQTT-4.7.1-2"), hash.getMessage());
        IllegalArgumentException plus = assertThrows(IllegalArgumentException.class,
                () -> mqtt.subscribe("sport+", "s"));
        assertTrue(plus.getMessage().contains("MQTT-4.7.1-3"), plus.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mqtt.subscribe("", "s"));
        assertEquals(0, mqtt.subscriptionCount());
        assertTrue(mqtt.root.isEmpty());
    }

    @Test
    void filtersDeeperThanTheLimitAreRejected() {
        String deepest = "a" + "/a".repeat(TopicTrie.MAX_FILTER_LEVELS - 1);
        assertTrue(mqtt.subscribe(deepest, "s"));
        IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class,
                () -> mqtt.subscribe(deepest + "/a", "s"));
        assertTrue(tooDeep.getMessage().contains("levels"), tooDeep.getMessage());
        assertEquals(List.of("s"), matches(mqtt, deepest));
    }

    @Test
    void veryDeepTopicsMatchWithoutExhaustingTheStack() {
        TopicTrie<String> amqp = new TopicTrie<>(TopicSyntax.AMQP);
        amqp.subscribe("#.a", "ends-with-a");
        amqp.subscribe("a.#", "starts-with-a");
        amqp.subscribe("*.#.a.#", "two-hashes");
        String topic = "a" + ".a".repeat(200_000);
        assertEquals(List.of("starts-with-a", "two-hashes", "ends-with-a"), matches(amqp, topic));
    }

    @Test
    void wideNodesKeepEveryChildThroughGrowthAndShrinking() {
        int devices = 5_000;
        IntStream.range(0, devices).forEach(i -> mqtt.subscribe("site/" + i + "/+", "device-" + i));
        IntStream.range(0, devices).forEach(i ->
                assertEquals(List.of("device-" + i), matches(mqtt, "site/" + i + "/temp")));
        assertEquals(List.of(), matches(mqtt, "site/" + devices + "/temp"));
        IntStream.range(0, devices).filter(i -> i % 3 != 0)
                .forEach(i -> assertTrue(mqtt.unsubscribe("site/" + i + "/+", "device-" + i)));
        IntStream.range(0, devices).forEach(i ->
                assertEquals(i % 3 == 0 ? List.of("device-" + i) : List.of(), matches(mqtt, "site/" + i + "/t")));
        IntStream.range(0, devices).filter(i -> i % 3 == 0)
                .forEach(i -> assertTrue(mqtt.unsubscribe("site/" + i + "/+", "device-" + i)));
        assertTrue(mqtt.root.isEmpty());
    }

    @Test
    void filterSharedByManySubscribersVisitsEachOnce() {
        int clients = 1_000;
        IntStream.range(0, clients).forEach(i -> mqtt.subscribe("broadcast/#", "client-" + i));
        List<String> visited = matches(mqtt, "broadcast/all");
        assertEquals(clients, visited.size());
        assertEquals(clients, visited.stream().distinct().count());
        IntStream.range(1, clients).forEach(i -> assertTrue(mqtt.unsubscribe("broadcast/#", "client-" + i)));
        assertEquals(List.of("client-0"), matches(mqtt, "broadcast"));
        assertTrue(mqtt.unsubscribe("broadcast/#", "client-0"));
        assertTrue(mqtt.root.isEmpty());
    }

    @Test
    void wordsBeyondAsciiAndLatin1MatchExactly() {
        List<String> words = List.of("caf\u00e9", "\u00ff", "\u65e5\u672c", "a\u0100", "\ud83d\ude00", "e");
        for (int i = 0; i < 4 * ChildNodes.MAX_SMALL; i++) {
            for (String word : words) {
                assertTrue(mqtt.subscribe("t/" + word + i, word + i));
            }
        }
        for (int i = 0; i < 4 * ChildNodes.MAX_SMALL; i++) {
            for (String word : words) {
                assertEquals(List.of(word + i), matches(mqtt, "t/" + word + i));
            }
        }
        assertEquals(List.of(), matches(mqtt, "t/cafe0"));
        assertEquals(List.of(), matches(mqtt, "t/\u00e90"));
        for (int i = 0; i < 4 * ChildNodes.MAX_SMALL; i++) {
            for (String word : words) {
                assertTrue(mqtt.unsubscribe("t/" + word + i, word + i));
            }
        }
        assertTrue(mqtt.root.isEmpty());
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThrows(NullPointerException.class, () -> mqtt.subscribe(null, "s"));
        assertThrows(NullPointerException.class, () -> mqtt.subscribe("a", null));
        assertThrows(NullPointerException.class, () -> mqtt.match(null, s -> { }));
    }

    static List<String> matches(TopicTrie<String> trie, String topic) {
        List<String> visited = new ArrayList<>();
        trie.match(topic, visited::add);
        return visited;
    }
}
