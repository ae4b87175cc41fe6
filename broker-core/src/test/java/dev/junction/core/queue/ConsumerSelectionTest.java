package dev.junction.core.queue;

import dev.junction.core.BrokerException;
import dev.junction.core.thread.Shard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code x-consumer-selection}: which consumer of equal priority, with credit, takes the next message. */
class ConsumerSelectionTest {
    private final Shard shard = new Shard("selection-shard");
    private final List<Queue> queues = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        queues.forEach(queue -> queue.delete().join());
        shard.close();
        assertEquals(0, shard.failedTasks(), "a task threw on the queue's shard");
    }

    private Queue queue(String selection) {
        Queue queue = new Queue("q", new QueueSettings(false, null, false,
                Map.of(ConsumerSelection.ARGUMENT, selection)), shard);
        queues.add(queue);
        return queue;
    }

    private static List<RecordingConsumer> consumers(Queue queue, int count, int prefetch) {
        List<RecordingConsumer> consumers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RecordingConsumer consumer = new RecordingConsumer();
            queue.subscribe(consumer, new ConsumerOptions(prefetch, false, false)).join();
            consumers.add(consumer);
        }
        return consumers;
    }

    /** Which consumer took each message, settling as it goes. */
    private static Map<String, Integer> takeAll(List<RecordingConsumer> consumers, int count)
            throws InterruptedException {
        Map<String, Integer> takenBy = new HashMap<>();
        while (takenBy.size() < count) {
            for (int i = 0; i < consumers.size(); i++) {
                Delivery delivery;
                while ((delivery = consumers.get(i).poll(java.time.Duration.ofMillis(20))) != null) {
                    takenBy.put(QueueTest.text(delivery), i);
                    delivery.subscription().settle(delivery.entryId());
                    delivery.message().release();
                }
            }
        }
        return takenBy;
    }

    /** Messages "m0".."m{count-1}" through a queue with this selection; which consumer took each. */
    private Map<String, Integer> takeNumbered(String selection, int consumerCount, int prefetch, int count)
            throws InterruptedException {
        Queue queue = queue(selection);
        List<RecordingConsumer> consumers = consumers(queue, consumerCount, prefetch);
        for (int i = 0; i < count; i++) {
            queue.enqueue(QueueTest.message("m" + i));
        }
        return takeAll(consumers, count);
    }

    @Test
    void roundRobinTakesTurns() throws InterruptedException {
        Map<String, Integer> takenBy = takeNumbered("round-robin", 3, 0, 9);
        for (int i = 0; i < 9; i++) {
            assertEquals(i % 3, takenBy.get("m" + i));
        }
    }

    @Test
    void stickyStaysWithOneConsumerUntilItLacksCredit() throws InterruptedException {
        Map<String, Integer> takenBy = takeNumbered("sticky", 2, 3, 5);
        // Three fill the first consumer's prefetch; then the second takes over.
        assertEquals(List.of(0, 0, 0, 1, 1), List.of(takenBy.get("m0"), takenBy.get("m1"), takenBy.get("m2"),
                takenBy.get("m3"), takenBy.get("m4")));
    }

    @Test
    void hashPublisherKeepsEachPublisherAtOneConsumer() throws InterruptedException {
        Queue queue = queue("hash-publisher");
        List<RecordingConsumer> consumers = consumers(queue, 3, 0);
        int publishers = 30;
        for (int round = 0; round < 4; round++) {
            for (int p = 0; p < publishers; p++) {
                var message = QueueTest.message("p" + p + "-" + round);
                message.publisher("publisher-" + p);
                queue.enqueue(message);
            }
        }
        Map<String, Integer> takenBy = takeAll(consumers, publishers * 4);
        boolean[] used = new boolean[3];
        for (int p = 0; p < publishers; p++) {
            int consumer = takenBy.get("p" + p + "-0");
            used[consumer] = true;
            for (int round = 1; round < 4; round++) {
                assertEquals(consumer, takenBy.get("p" + p + "-" + round), "publisher " + p);
            }
        }
        assertTrue(used[0] && used[1] && used[2], "thirty publishers reach all three consumers");
    }

    @Test
    void anUnknownSelectionIsRefused() {
        BrokerException refused = assertThrows(BrokerException.class, () -> QueueArguments.parse("q", "/",
                Map.of(ConsumerSelection.ARGUMENT, "random")));
        assertTrue(refused.getMessage().contains("unknown_consumer_selection"), refused.getMessage());
    }
}
