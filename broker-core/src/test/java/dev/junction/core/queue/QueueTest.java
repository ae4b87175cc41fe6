package dev.junction.core.queue;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.thread.Shard;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueueTest {
    private final Shard shard = new Shard("test-shard");
    private final Queue queue = new Queue("q", new QueueSettings(false, null, false, Map.of()), shard);

    @AfterEach
    void stop() throws InterruptedException {
        queue.delete().join();
        shard.close();
        assertEquals(0, shard.failedTasks(), "a task threw on the queue's shard");
    }

    static Message message(String text) {
        return new Message("", "q", MessageProperties.EMPTY, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    static String text(Delivery delivery) {
        return delivery.message().body().toString(StandardCharsets.UTF_8);
    }

    private Subscription subscribe(RecordingConsumer consumer, int prefetch, boolean autoAck) {
        return queue.subscribe(consumer, new ConsumerOptions(prefetch, autoAck, false)).join();
    }

    private static void settleAndRelease(Delivery delivery) {
        delivery.subscription().settle(delivery.entryId());
        delivery.message().release();
    }

    @Test
    void deliversInArrivalOrder() throws InterruptedException {
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(consumer, 0, false);
        for (int i = 0; i < 100; i++) {
            queue.enqueue(message("m" + i));
        }
        for (int i = 0; i < 100; i++) {
            Delivery delivery = consumer.take();
            assertEquals("m" + i, text(delivery));
            assertFalse(delivery.redelivered());
            settleAndRelease(delivery);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.unsettledCount() == 0);
    }

    @Test
    void messagesWaitForAConsumer() throws InterruptedException {
        queue.enqueue(message("early"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.readyCount() == 1);
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(consumer, 0, false);
        Delivery delivery = consumer.take();
        assertEquals("early", text(delivery));
        settleAndRelease(delivery);
    }

    @Test
    void prefetchBoundsUnsettledDeliveries() throws InterruptedException {
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(consumer, 2, false);
        for (int i = 0; i < 5; i++) {
            queue.enqueue(message("m" + i));
        }
        Delivery first = consumer.take();
        Delivery second = consumer.take();
        assertNull(consumer.poll(Duration.ofMillis(200)), "a third delivery exceeded prefetch 2");
        assertEquals(3, queue.readyCount());
        settleAndRelease(first);
        Delivery third = consumer.take();
        assertEquals("m2", text(third));
        settleAndRelease(second);
        settleAndRelease(third);
        settleAndRelease(consumer.take());
        settleAndRelease(consumer.take());
    }

    @Test
    void roundRobinBetweenConsumers() throws InterruptedException {
        RecordingConsumer a = new RecordingConsumer();
        RecordingConsumer b = new RecordingConsumer();
        subscribe(a, 1, false);
        subscribe(b, 1, false);
        for (int i = 0; i < 4; i++) {
            queue.enqueue(message("m" + i));
        }
        Delivery toA = a.take();
        Delivery toB = b.take();
        assertEquals(Set.of("m0", "m1"), Set.of(text(toA), text(toB)));
        settleAndRelease(toA);
        settleAndRelease(toB);
        settleAndRelease(a.take());
        settleAndRelease(b.take());
    }

    @Test
    void requeuedMessageComesBackFirstAndMarkedRedelivered() throws InterruptedException {
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(consumer, 2, false);
        queue.enqueue(message("m0"));
        queue.enqueue(message("m1"));
        queue.enqueue(message("m2"));
        Delivery m0 = consumer.take();
        Delivery m1 = consumer.take();
        // Requeue in reverse order while the consumer can take nothing: they must come back in original order.
        consumer.setWritable(false);
        m1.subscription().requeue(m1.entryId());
        m0.subscription().requeue(m0.entryId());
        m0.message().release();
        m1.message().release();
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.readyCount() == 3);
        consumer.setWritable(true);
        m0.subscription().resume();
        Delivery again0 = consumer.take();
        Delivery again1 = consumer.take();
        assertEquals("m0", text(again0));
        assertTrue(again0.redelivered());
        assertEquals("m1", text(again1));
        assertTrue(again1.redelivered());
        settleAndRelease(again0);
        settleAndRelease(again1);
        Delivery m2 = consumer.take();
        assertFalse(m2.redelivered());
        settleAndRelease(m2);
    }

    @Test
    void cancelReturnsUnsettledDeliveriesToOtherConsumers() throws InterruptedException {
        RecordingConsumer leaving = new RecordingConsumer();
        Subscription leavingSubscription = subscribe(leaving, 0, false);
        queue.enqueue(message("m0"));
        Delivery held = leaving.take();
        held.message().release();
        leavingSubscription.cancel();
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.consumerCount() == 0);
        RecordingConsumer staying = new RecordingConsumer();
        subscribe(staying, 0, false);
        Delivery redelivered = staying.take();
        assertEquals("m0", text(redelivered));
        assertTrue(redelivered.redelivered());
        settleAndRelease(redelivered);
    }

    @Test
    void cancelKeepingUnsettledLeavesItsDeliveriesToBeSettledThroughIt() throws InterruptedException {
        RecordingConsumer leaving = new RecordingConsumer();
        Subscription leavingSubscription = subscribe(leaving, 0, false);
        queue.enqueue(message("m0"));
        queue.enqueue(message("m1"));
        Delivery acked = leaving.take();
        Delivery requeued = leaving.take();
        leavingSubscription.cancelKeepingUnsettled();
        RecordingConsumer staying = new RecordingConsumer();
        subscribe(staying, 0, false);
        queue.enqueue(message("m2"));
        Delivery next = staying.take();
        assertEquals("m2", text(next), "nothing the cancelled subscription holds went back to the queue");
        settleAndRelease(next);
        settleAndRelease(acked);
        requeued.subscription().requeue(requeued.entryId());
        requeued.message().release();
        Delivery again = staying.take();
        assertEquals("m1", text(again));
        assertTrue(again.redelivered());
        settleAndRelease(again);
        await().atMost(10, TimeUnit.SECONDS).until(() -> queue.unsettledCount() == 0);
        assertEquals(0, queue.readyCount());
    }

    /** RabbitMQ's line: k4 passes over A, B and C; B settles first and takes it, A and C rejoin behind it. */
    @Test
    void aConsumerPassedOverForLackOfCreditRejoinsAtTheBackOfTheLine() throws InterruptedException {
        List<RecordingConsumer> consumers = List.of(new RecordingConsumer(), new RecordingConsumer(),
                new RecordingConsumer());
        consumers.forEach(consumer -> subscribe(consumer, 1, false));
        List<Delivery> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queue.enqueue(message("k" + i));
            held.add(consumers.get(i).take());
        }
        queue.enqueue(message("k3"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> queue.readyCount() == 1);
        settleAndRelease(held.get(1));
        settleAndRelease(consumers.get(1).take());
        settleAndRelease(held.get(0));
        settleAndRelease(held.get(2));
        await().atMost(10, TimeUnit.SECONDS).until(() -> queue.unsettledCount() == 0);
        queue.enqueue(message("k4"));
        queue.enqueue(message("k5"));
        queue.enqueue(message("k6"));
        assertEquals("k4", text(consumers.get(1).take()), "B was served last but rejoined first");
        assertEquals("k5", text(consumers.get(0).take()));
        assertEquals("k6", text(consumers.get(2).take()), "a plain rotation would have served C before A");
    }

    @Test
    void unwritableConsumerGetsNothingUntilResumed() throws InterruptedException {
        RecordingConsumer consumer = new RecordingConsumer();
        consumer.setWritable(false);
        Subscription subscription = subscribe(consumer, 0, true);
        queue.enqueue(message("held"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.readyCount() == 1);
        assertNull(consumer.poll(Duration.ofMillis(100)));
        consumer.setWritable(true);
        subscription.resume();
        Delivery delivery = consumer.take();
        assertEquals("held", text(delivery));
        delivery.message().release();
        assertEquals(0, delivery.message().refCnt(), "auto-ack delivery holds the only reference");
    }

    @Test
    void settlingReleasesTheBody() throws InterruptedException {
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(consumer, 0, false);
        Message message = message("body");
        queue.enqueue(message);
        Delivery delivery = consumer.take();
        assertEquals(2, message.refCnt(), "queue and delivery each hold one reference");
        settleAndRelease(delivery);
        await().atMost(5, TimeUnit.SECONDS).until(() -> message.refCnt() == 0);
        assertEquals(0, message.body().refCnt());
    }

    @Test
    void purgeDropsWaitingMessagesOnly() throws InterruptedException {
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(consumer, 1, false);
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Message message = message("m" + i);
            messages.add(message);
            queue.enqueue(message);
        }
        Delivery delivered = consumer.take();
        assertEquals(3, queue.purge().join());
        assertEquals(0, queue.readyCount());
        for (int i = 1; i < 4; i++) {
            assertEquals(0, messages.get(i).refCnt(), "purged message " + i + " not released");
        }
        settleAndRelease(delivered);
    }

    @Test
    void deleteTellsConsumersAndReleasesEverything() throws InterruptedException {
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(consumer, 1, false);
        Message unsettled = message("unsettled");
        Message waiting = message("waiting");
        queue.enqueue(unsettled);
        queue.enqueue(waiting);
        Delivery delivery = consumer.take();
        delivery.message().release();
        assertEquals(1, queue.delete().join());
        assertEquals(List.of(queue), consumer.deletedQueues());
        assertEquals(0, unsettled.refCnt());
        assertEquals(0, waiting.refCnt());
        Message late = message("late");
        queue.enqueue(late);
        await().atMost(5, TimeUnit.SECONDS).until(() -> late.refCnt() == 0);
    }

    @Test
    void settlingOrRequeueingAFetchedMessageAfterTheQueueIsDeletedIsHarmless() throws InterruptedException {
        queue.enqueue(message("a"));
        queue.enqueue(message("b"));
        Delivery first = queue.get(false).join().delivery();
        Delivery second = queue.get(false).join().delivery();
        first.message().release();
        second.message().release();
        assertEquals(0, queue.delete().join());
        first.subscription().requeue(first.entryId());
        second.subscription().settle(second.entryId());
        second.subscription().discard(second.entryId());
        queue.purge().join();
        assertEquals(0, first.message().refCnt(), "deletion released the fetched message once");
        assertEquals(0, second.message().refCnt());
    }

    @Test
    void concurrentPublishersLoseNothingAndDuplicateNothing() throws Exception {
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(consumer, 0, true);
        int publishers = 4;
        int perPublisher = 5_000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int id = p;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perPublisher; i++) {
                    queue.enqueue(message(id + ":" + i));
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        Set<String> seen = new HashSet<>();
        int[] lastPerPublisher = new int[publishers];
        java.util.Arrays.fill(lastPerPublisher, -1);
        for (int n = 0; n < publishers * perPublisher; n++) {
            Delivery delivery = consumer.take();
            String text = text(delivery);
            delivery.message().release();
            assertTrue(seen.add(text), "duplicate " + text);
            String[] parts = text.split(":");
            int publisher = Integer.parseInt(parts[0]);
            int sequence = Integer.parseInt(parts[1]);
            assertTrue(sequence > lastPerPublisher[publisher], "publisher order broken at " + text);
            lastPerPublisher[publisher] = sequence;
        }
        assertNull(consumer.poll(Duration.ofMillis(50)));
    }
}
