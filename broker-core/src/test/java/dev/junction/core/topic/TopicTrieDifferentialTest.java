package dev.junction.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random subscribe/unsubscribe sequences and random topics over tiny alphabets (so that matches, empty levels and
 * repeated words are common), checked against {@link ReferenceMatcher}. Seeds are fixed and named on failure.
 */
class TopicTrieDifferentialTest {
    private static final int STEPS = 1_500;
    private static final int TOPICS_PER_CHECK = 20;
    private static final String[] WORDS = {"a", "b", ""};

    private record Subscription(String filter, int subscriber) {
    }

    static Stream<Arguments> seeds() {
        return Stream.of(TopicSyntax.values())
                .flatMap(syntax -> Stream.of(1L, 2L, 3L, 42L, 1234L, 99_991L).map(seed -> Arguments.of(syntax, seed)));
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("seeds")
    void matchesLikeTheReference(TopicSyntax syntax, long seed) {
        Random random = new Random(seed);
        TopicTrie<Integer> trie = new TopicTrie<>(syntax);
        List<Subscription> subscribed = new ArrayList<>();
        String context = syntax + " seed " + seed;
        for (int step = 0; step < STEPS; step++) {
            if (!subscribed.isEmpty() && random.nextInt(3) == 0) {
                Subscription gone = random.nextBoolean()
                        ? subscribed.get(random.nextInt(subscribed.size()))
                        : new Subscription(randomFilter(syntax, random), random.nextInt(4));
                boolean removed = subscribed.remove(gone);
                assertEquals(removed, trie.unsubscribe(gone.filter, gone.subscriber), context + " unsubscribe " + gone);
            } else {
                Subscription added = new Subscription(randomFilter(syntax, random), random.nextInt(4));
                boolean isNew = !subscribed.contains(added);
                if (isNew) {
                    subscribed.add(added);
                }
                assertEquals(isNew, trie.subscribe(added.filter, added.subscriber), context + " subscribe " + added);
            }
            assertEquals(subscribed.size(), trie.subscriptionCount(), context);
            if (step % 25 == 0) {
                for (int t = 0; t < TOPICS_PER_CHECK; t++) {
                    assertSameVisits(syntax, trie, subscribed, randomTopic(syntax, random), context + " step " + step);
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

    private static String randomFilter(TopicSyntax syntax, Random random) {
        String single = syntax == TopicSyntax.AMQP ? "*" : "+";
        int levels = syntax == TopicSyntax.AMQP ? random.nextInt(5) : 1 + random.nextInt(4);
        List<String> filter = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            int pick = random.nextInt(6);
            boolean last = i == levels - 1;
            if (pick == 0) {
                filter.add(single);
            } else if (pick == 1 && (syntax == TopicSyntax.AMQP || last)) {
                filter.add("#");
            } else {
                filter.add(randomWord(random, i));
            }
        }
        String text = String.join(separator(syntax), filter);
        return syntax.isValidFilter(text) ? text : randomFilter(syntax, random);
    }

    private static String randomTopic(TopicSyntax syntax, Random random) {
        int levels = syntax == TopicSyntax.AMQP ? random.nextInt(6) : 1 + random.nextInt(5);
        List<String> topic = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            topic.add(randomWord(random, i));
        }
        return String.join(separator(syntax), topic);
    }

    /** Includes a '$' word so that the MQTT rule for '$' topics gets exercised. */
    private static String randomWord(Random random, int level) {
        return level == 0 && random.nextInt(8) == 0 ? "$s" : WORDS[random.nextInt(WORDS.length)];
    }

    private static String separator(TopicSyntax syntax) {
        return syntax == TopicSyntax.AMQP ? "." : "/";
    }
}
