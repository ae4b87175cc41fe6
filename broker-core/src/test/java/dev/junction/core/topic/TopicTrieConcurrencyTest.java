package dev.junction.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Writers churn transient subscriptions (growing and shrinking wide nodes and a filter shared by many subscribers)
 * while readers match. Readers must see every stable subscription exactly once and nothing never subscribed.
 */
class TopicTrieConcurrencyTest {
    private static final long RUN_MILLIS = 2_000;
    private static final int MAX_WRITES_PER_WRITER = 2_000_000;
    private static final int MAX_MATCHES_PER_READER = 2_000_000;
    private static final int DEVICES = 300;
    private static final int WRITERS = 2;
    private static final int READERS = 2;

    private record Sub(String filter, String name) {
    }

    private final TopicTrie<Sub> trie = new TopicTrie<>(TopicSyntax.MQTT);
    private final List<Sub> stable = new ArrayList<>();
    private final Set<Sub> everSubscribed = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicLong matches = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();

    @Test
    void readersAlwaysSeeStableSubscriptionsAndNothingInvented() throws InterruptedException {
        for (int device = 0; device < DEVICES; device++) {
            stable.add(new Sub("fleet/" + device + "/+", "stable-device-" + device));
        }
        for (int watcher = 0; watcher < 2 * Subscribers.MAX_FEW; watcher++) {
            stable.add(new Sub("fleet/#", "stable-watcher-" + watcher));
        }
        stable.add(new Sub("fleet/+/status", "stable-status"));
        stable.forEach(sub -> assertTrue(trie.subscribe(sub.filter, sub)));

        long deadline = System.nanoTime() + RUN_MILLIS * 1_000_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            threads.add(new Thread(() -> churn(writer, start, deadline), "writer-" + w));
        }
        for (int r = 0; r < READERS; r++) {
            int reader = r;
            threads.add(new Thread(() -> read(reader, start, deadline), "reader-" + r));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join(RUN_MILLIS + 10_000);
            assertFalse(thread.isAlive(), thread.getName() + " did not stop");
        }

        assertNull(failure.get());
        assertTrue(matches.get() > 0 && writes.get() > 0, "both sides ran: " + matches + " matches, " + writes + " writes");
        assertEquals(stable.size(), trie.subscriptionCount(), "writers removed all their transient subscriptions");
    }

    private void churn(int writer, CountDownLatch start, long deadline) {
        SplittableRandom random = new SplittableRandom(writer);
        List<Sub> live = new ArrayList<>();
        await(start);
        for (int n = 0; n < MAX_WRITES_PER_WRITER && failure.get() == null && System.nanoTime() < deadline; n++) {
            if (!live.isEmpty() && (live.size() > 200 || random.nextBoolean())) {
                Sub gone = live.remove(random.nextInt(live.size()));
                check(trie.unsubscribe(gone.filter, gone), "unsubscribe of live " + gone + " failed");
            } else {
                Sub added = new Sub(transientFilter(random), "transient-" + writer + "-" + n);
                everSubscribed.add(added);
                check(trie.subscribe(added.filter, added), "subscribe of new " + added + " failed");
                live.add(added);
            }
            writes.incrementAndGet();
        }
        live.forEach(sub -> check(trie.unsubscribe(sub.filter, sub), "final unsubscribe of " + sub + " failed"));
    }

    /** Mixes new children of the wide "fleet" node, children below the stable ones, and the shared "fleet/#". */
    private static String transientFilter(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> "fleet/" + (DEVICES + random.nextInt(DEVICES)) + "/+";
            case 1 -> "fleet/" + random.nextInt(DEVICES) + "/t" + random.nextInt(5);
            case 2 -> "fleet/#";
            default -> "fleet/" + random.nextInt(2 * DEVICES) + "/#";
        };
    }

    private void read(int reader, CountDownLatch start, long deadline) {
        SplittableRandom random = new SplittableRandom(100 + reader);
        List<Sub> visited = new ArrayList<>();
        Map<Sub, Integer> stableVisits = new HashMap<>();
        await(start);
        for (int n = 0; n < MAX_MATCHES_PER_READER && failure.get() == null && System.nanoTime() < deadline; n++) {
            String topic = "fleet/" + random.nextInt(2 * DEVICES) + "/" + (random.nextBoolean() ? "status" : "t1");
            visited.clear();
            trie.match(topic, visited::add);
            stableVisits.clear();
            for (Sub sub : visited) {
                if (!ReferenceMatcher.matches(TopicSyntax.MQTT, sub.filter, topic)) {
                    fail("'" + topic + "' visited " + sub + " whose filter does not match");
                } else if (sub.name.startsWith("stable-")) {
                    stableVisits.merge(sub, 1, Integer::sum);
                } else if (!everSubscribed.contains(sub)) {
                    fail("'" + topic + "' visited " + sub + " which was never subscribed");
                }
            }
            for (Sub sub : stable) {
                int expected = ReferenceMatcher.matches(TopicSyntax.MQTT, sub.filter, topic) ? 1 : 0;
                if (stableVisits.getOrDefault(sub, 0) != expected) {
                    fail("'" + topic + "' visited stable " + sub + " " + stableVisits.getOrDefault(sub, 0)
                            + " times instead of " + expected);
                }
            }
            matches.incrementAndGet();
        }
    }

    private void check(boolean condition, String message) {
        if (!condition) {
            fail(message);
        }
    }

    private void fail(String message) {
        failure.compareAndSet(null, Thread.currentThread().getName() + ": " + message);
    }

    private static void await(CountDownLatch start) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
