package dev.junction.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random subscribe/unsubscribe sequences and random topics, checked against {@link ReferenceMatcher}. Seeds are fixed
 * and named on failure.
 */
class TopicTrieDifferentialTest {
    private static final int STEPS = 1_500;
    private static final int TOPICS_PER_CHECK = 20;
    /** Tiny, so that matches, empty levels and repeated words are common. */
    private static final String[] FEW_WORDS = {"a", "b", ""};
    /** Wide, so that nodes outgrow their small child arrays into hash tables and shrink back. */
    private static final String[] MANY_WORDS = IntStream.range(0, 3 * ChildNodes.MAX_SMALL)
            .mapToObj(i -> "w" + i).toArray(String[]::new);

    private record Subscription(String filter, int subscriber) {
    }

    static Stream<Arguments> seeds() {
        return Stream.of(TopicSyntax.values()).flatMap(syntax -> Stream.concat(
                Stream.of(1L, 2L, 3L, 42L, 1234L).map(seed -> Arguments.of(syntax, seed, "few")),
                Stream.of(7L, 77L).map(seed -> Arguments.of(syntax, seed, "many"))));
    }

    @ParameterizedTest(name = "{0} seed {1} {2} words")
    @MethodSource("seeds")
    void matchesLikeTheReference(TopicSyntax syntax, long seed, String alphabet) {
        Generator generate = new Generator(syntax, new Random(seed), alphabet.equals("few") ? FEW_WORDS : MANY_WORDS);
        TopicTrie<Integer> trie = new TopicTrie<>(syntax);
        List<Subscription> subscribed = new ArrayList<>();
        String context = syntax + " seed " + seed + " " + alphabet + " words";
        for (int step = 0; step < STEPS; step++) {
            if (!subscribed.isEmpty() && generate.random.nextInt(3) == 0) {
                Subscription gone = generate.random.nextBoolean()
                        ? subscribed.get(generate.random.nextInt(subscribed.size()))
                        : generate.subscription();
                boolean removed = subscribed.remove(gone);
                assertEquals(removed, trie.unsubscribe(gone.filter, gone.subscriber), context + " unsubscribe " + gone);
            } else {
                Subscription added = generate.subscription();
                boolean isNew = !subscribed.contains(added);
                if (isNew) {
                    subscribed.add(added);
                }
                assertEquals(isNew, trie.subscribe(added.filter, added.subscriber), context + " subscribe " + added);
            }
            assertEquals(subscribed.size(), trie.subscriptionCount(), context);
            if (step % 25 == 0) {
                for (int t = 0; t < TOPICS_PER_CHECK; t++) {
                    assertSameVisits(syntax, trie, subscribed, generate.topic(), context + " step " + step);
                }
            }
        }
        for (Subscription subscription : new HashSet<>(subscribed)) {
            assertTrue(trie.unsubscribe(subscription.filter, subscription.subscriber), context);
        }
        assertTrue(trie.root.isEmpty(), context + ": unsubscribing everything left nodes behind");
    }

    private static void assertSameVisits(TopicSyntax syntax, TopicTrie<Integer> trie, List<Subscription> subscribed,
                                         String topic, String context) {
        List<Integer> expected = new ArrayList<>();
        for (Subscription subscription : subscribed) {
            if (ReferenceMatcher.matches(syntax, subscription.filter, topic)) {
                expected.add(subscription.subscriber);
            }
        }
        List<Integer> visited = new ArrayList<>();
        trie.match(topic, visited::add);
        expected.sort(null);
        visited.sort(null);
        assertEquals(expected, visited, () -> context + " topic '" + topic + "' with " + subscribed);
    }

    private record Generator(TopicSyntax syntax, Random random, String[] words) {

        Subscription subscription() {
            return new Subscription(filter(), random.nextInt(4));
        }

        String filter() {
            String single = syntax == TopicSyntax.AMQP ? "*" : "+";
            int levels = syntax == TopicSyntax.AMQP ? random.nextInt(5) : 1 + random.nextInt(4);
            List<String> filter = new ArrayList<>();
            for (int i = 0; i < levels; i++) {
                int pick = random.nextInt(6);
                if (pick == 0) {
                    filter.add(single);
                } else if (pick == 1 && (syntax == TopicSyntax.AMQP || i == levels - 1)) {
                    filter.add("#");
                } else {
                    filter.add(word(i));
                }
            }
            String text = String.join(separator(), filter);
            return syntax.isValidFilter(text) ? text : filter();
        }

        String topic() {
            int levels = syntax == TopicSyntax.AMQP ? random.nextInt(6) : 1 + random.nextInt(5);
            List<String> topic = new ArrayList<>();
            for (int i = 0; i < levels; i++) {
                topic.add(word(i));
            }
            return String.join(separator(), topic);
        }

        /** Sometimes a '$' word first, so that the MQTT rule for '$' topics gets exercised. */
        private String word(int level) {
            return level == 0 && random.nextInt(8) == 0 ? "$s" : words[random.nextInt(words.length)];
        }

        private String separator() {
            return syntax == TopicSyntax.AMQP ? "." : "/";
        }
    }
}
