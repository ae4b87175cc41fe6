package dev.junction.core.vhost;

import dev.junction.core.BrokerException;
import dev.junction.core.ErrorKind;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.ConsumerOptions;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.queue.RecordingConsumer;
import dev.junction.core.queue.Subscription;
import dev.junction.core.thread.ShardGroup;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueueFeaturesTest {
    private final ShardGroup shards = new ShardGroup(2);
    private final VirtualHost vhost = new VirtualHost("/", shards);
    private final List<Delivery> held = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        held.forEach(delivery -> delivery.message().release());
        for (Queue queue : List.copyOf(vhost.queues())) {
            vhost.deleteQueue(queue.name(), null, false, false).join();
        }
        shards.close();
    }

    private Queue queue(String name, Map<String, Object> arguments) {
        return vhost.declareQueue(name, new QueueSettings(false, null, false, arguments));
    }

    private Queue deadLetterQueue() {
        Queue dead = queue("dead", Map.of());
        vhost.bindQueue("amq.fanout", "dead", "", Map.of(), null);
        return dead;
    }

    private static Message message(String text, MessageProperties properties) {
        return new Message("", "work", properties, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private void publish(String text) {
        publish(text, MessageProperties.EMPTY);
    }

    private void publish(String text, MessageProperties properties) {
        vhost.publish("", message(text, properties));
    }

    private Delivery take(RecordingConsumer consumer) throws InterruptedException {
        Delivery delivery = consumer.take();
        held.add(delivery);
        return delivery;
    }

    private static String text(Delivery delivery) {
        return delivery.message().body().toString(StandardCharsets.UTF_8);
    }

    private static Subscription subscribe(Queue queue, RecordingConsumer consumer, ConsumerOptions options) {
        return queue.subscribe(consumer, options).join();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstDeath(Delivery delivery) {
        List<Object> deaths = (List<Object>) delivery.message().properties().header("x-death");
        return (Map<String, Object>) deaths.get(0);
    }

    @Test
    void queueTtlExpiresMessagesIntoTheDeadLetterExchangeWithXDeath() throws InterruptedException {
        Queue dead = deadLetterQueue();
        queue("work", Map.of("x-message-ttl", 50, "x-dead-letter-exchange", "amq.fanout"));
        publish("stale");
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(dead, consumer, new ConsumerOptions(0, true, false));
        Delivery delivery = take(consumer);
        assertEquals("stale", text(delivery));
        Map<String, Object> death = firstDeath(delivery);
        assertEquals("expired", death.get("reason"));
        assertEquals("work", death.get("queue"));
        assertEquals("", death.get("exchange"));
        assertEquals(List.of("work"), death.get("routing-keys"));
        assertEquals(1L, death.get("count"));
        assertInstanceOf(java.time.Instant.class, death.get("time"));
        assertEquals("expired", delivery.message().properties().header("x-first-death-reason"));
        assertEquals("work", delivery.message().routingKey(), "no x-dead-letter-routing-key: original key kept");
    }

    @Test
    void perMessageExpirationIsRecordedAndRemoved() throws InterruptedException {
        Queue dead = deadLetterQueue();
        queue("work", Map.of("x-dead-letter-exchange", "amq.fanout", "x-dead-letter-routing-key", "dlk"));
        publish("short-lived", MessageProperties.EMPTY.withExpiration("20"));
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(dead, consumer, new ConsumerOptions(0, true, false));
        Delivery delivery = take(consumer);
        assertEquals("20", firstDeath(delivery).get("original-expiration"));
        assertNull(delivery.message().properties().expiration());
        assertEquals("dlk", delivery.message().routingKey());
    }

    @Test
    void invalidExpirationIsRefused() {
        BrokerException refused = assertThrows(BrokerException.class,
                () -> MessageProperties.EMPTY.withExpiration("-5").expirationMillis());
        assertEquals(ErrorKind.PRECONDITION_FAILED, refused.kind());
        assertThrows(BrokerException.class, () -> MessageProperties.EMPTY.withExpiration("soon").expirationMillis());
    }

    @Test
    void maxLengthDropsTheHeadAsMaxlenDeadLetters() throws InterruptedException {
        Queue dead = deadLetterQueue();
        Queue work = queue("work", Map.of("x-max-length", 2, "x-dead-letter-exchange", "amq.fanout"));
        for (String text : List.of("m1", "m2", "m3")) {
            publish(text);
        }
        RecordingConsumer deadConsumer = new RecordingConsumer();
        subscribe(dead, deadConsumer, new ConsumerOptions(0, true, false));
        Delivery dropped = take(deadConsumer);
        assertEquals("m1", text(dropped));
        assertEquals("maxlen", firstDeath(dropped).get("reason"));
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(work, consumer, new ConsumerOptions(0, true, false));
        assertEquals("m2", text(take(consumer)));
        assertEquals("m3", text(take(consumer)));
    }

    @Test
    void maxLengthBytesCountsBodies() {
        Queue work = queue("work", Map.of("x-max-length-bytes", 10));
        for (String text : List.of("aaaa", "bbbb", "cccc")) {
            publish(text);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> work.readyCount() == 2);
    }

    @Test
    void rejectPublishRefusesNewMessagesAndSaysSo() throws InterruptedException {
        Queue work = queue("work", Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
        List<Boolean> outcomes = new CopyOnWriteArrayList<>();
        vhost.publish("", message("first", MessageProperties.EMPTY), outcomes::add);
        vhost.publish("", message("second", MessageProperties.EMPTY), outcomes::add);
        await().atMost(5, TimeUnit.SECONDS).until(() -> outcomes.size() == 2);
        assertEquals(List.of(true, false), outcomes);
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(work, consumer, new ConsumerOptions(0, true, false));
        assertEquals("first", text(take(consumer)));
        assertNull(consumer.poll(Duration.ofMillis(100)));
    }

    @Test
    void discardedDeliveriesAreDeadLetteredAsRejectedAndCounted() throws InterruptedException {
        queue("work", Map.of("x-dead-letter-exchange", "amq.direct", "x-dead-letter-routing-key", "back"));
        vhost.bindQueue("amq.direct", "work", "back", Map.of(), null);
        Queue work = vhost.queue("work");
        publish("bounce");
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(work, consumer, new ConsumerOptions(0, false, false));
        Delivery first = take(consumer);
        first.subscription().discard(first.entryId());
        Delivery second = take(consumer);
        assertEquals(1L, firstDeath(second).get("count"));
        assertEquals("rejected", firstDeath(second).get("reason"));
        second.subscription().discard(second.entryId());
        Delivery third = take(consumer);
        assertEquals(2L, firstDeath(third).get("count"), "the same queue and reason count up, not pile up");
        assertEquals(1, ((List<?>) third.message().properties().header("x-death")).size());
        third.subscription().settle(third.entryId());
    }

    @Test
    void expiryCyclesWithoutRejectionAreDropped() throws InterruptedException {
        queue("work", Map.of("x-message-ttl", 10, "x-dead-letter-exchange", "amq.direct"));
        vhost.bindQueue("amq.direct", "work", "work", Map.of(), null);
        Queue work = vhost.queue("work");
        publish("loop");
        await().atMost(5, TimeUnit.SECONDS).pollDelay(Duration.ofMillis(100))
                .until(() -> work.readyCount() == 0);
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(work, consumer, new ConsumerOptions(0, true, false));
        assertNull(consumer.poll(Duration.ofMillis(100)), "the message died once and was dropped on its return");
    }

    @Test
    void priorityQueueDeliversHigherPrioritiesFirst() throws InterruptedException {
        Queue work = queue("work", Map.of("x-max-priority", 5));
        publish("low", priority(1));
        publish("none", MessageProperties.EMPTY);
        publish("high", priority(9));
        publish("mid", priority(3));
        await().atMost(5, TimeUnit.SECONDS).until(() -> work.readyCount() == 4);
        RecordingConsumer consumer = new RecordingConsumer();
        subscribe(work, consumer, new ConsumerOptions(0, true, false));
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            order.add(text(take(consumer)));
        }
        assertEquals(List.of("high", "mid", "low", "none"), order, "priorities above the maximum count as it");
    }

    private static MessageProperties priority(int priority) {
        return new MessageProperties(null, null, null, null, priority, null, null, null, null, null, null, null,
                null, null);
    }

    @Test
    void singleActiveConsumerFailsOverInSubscriptionOrder() throws InterruptedException {
        Queue work = queue("work", Map.of("x-single-active-consumer", true));
        RecordingConsumer first = new RecordingConsumer();
        RecordingConsumer second = new RecordingConsumer();
        Subscription active = subscribe(work, first, new ConsumerOptions(0, true, false));
        subscribe(work, second, new ConsumerOptions(0, true, false));
        publish("a");
        publish("b");
        assertEquals("a", text(take(first)));
        assertEquals("b", text(take(first)));
        assertEquals(0, second.pending());
        active.cancel();
        publish("c");
        assertEquals("c", text(take(second)));
    }

    @Test
    void higherPriorityConsumersAreServedWhileTheyHaveCredit() throws InterruptedException {
        Queue work = queue("work", Map.of());
        RecordingConsumer low = new RecordingConsumer();
        RecordingConsumer high = new RecordingConsumer();
        subscribe(work, low, new ConsumerOptions(0, false, false, 0));
        subscribe(work, high, new ConsumerOptions(1, false, false, 10));
        publish("1");
        publish("2");
        Delivery toHigh = take(high);
        assertEquals("1", text(toHigh));
        assertEquals("2", text(take(low)), "the high-priority consumer is out of credit");
        toHigh.subscription().settle(toHigh.entryId());
        publish("3");
        assertEquals("3", text(take(high)));
    }

    @Test
    void exclusiveConsumersShareWithNobody() {
        Queue work = queue("work", Map.of());
        subscribe(work, new RecordingConsumer(), new ConsumerOptions(0, true, true));
        CompletionException refused = assertThrows(CompletionException.class,
                () -> subscribe(work, new RecordingConsumer(), new ConsumerOptions(0, true, false)));
        assertEquals(ErrorKind.ACCESS_REFUSED, ((BrokerException) refused.getCause()).kind());
    }

    @Test
    void unusedQueueExpires() {
        queue("temporary", Map.of("x-expires", 50));
        await().atMost(5, TimeUnit.SECONDS).until(() -> vhost.queue("temporary") == null);
    }

    @Test
    void autoDeleteQueueGoesWithItsLastConsumer() {
        Queue work = vhost.declareQueue("work", new QueueSettings(false, null, true, Map.of()));
        vhost.bindQueue("amq.fanout", "work", "", Map.of(), null);
        Subscription subscription = subscribe(work, new RecordingConsumer(), new ConsumerOptions(0, true, false));
        subscription.cancel();
        await().atMost(5, TimeUnit.SECONDS).until(() -> vhost.queue("work") == null);
        assertTrue(vhost.exchange("amq.fanout").bindings().isEmpty());
    }

    @Test
    void getTakesOneMessageAndCountsTheRest() {
        Queue work = queue("work", Map.of());
        publish("a");
        publish("b");
        await().atMost(5, TimeUnit.SECONDS).until(() -> work.readyCount() == 2);
        Queue.Fetched fetched = work.get(false).join();
        held.add(fetched.delivery());
        assertEquals("a", text(fetched.delivery()));
        assertEquals(1, fetched.messageCount());
        fetched.delivery().subscription().requeue(fetched.delivery().entryId());
        Queue.Fetched again = work.get(true).join();
        held.add(again.delivery());
        assertEquals("a", text(again.delivery()));
        assertTrue(again.delivery().redelivered());
    }

    @Test
    void badArgumentsAreRefusedAsPreconditionFailed() {
        for (Map<String, Object> arguments : List.<Map<String, Object>>of(
                Map.of("x-max-length", -1), Map.of("x-message-ttl", "ten"), Map.of("x-expires", 0),
                Map.of("x-overflow", "explode"), Map.of("x-max-priority", 256),
                Map.of("x-dead-letter-routing-key", "k"), Map.of("x-single-active-consumer", "yes"))) {
            BrokerException refused = assertThrows(BrokerException.class, () -> queue("bad", arguments));
            assertEquals(ErrorKind.PRECONDITION_FAILED, refused.kind(), arguments.toString());
            assertTrue(refused.getMessage().startsWith("invalid arg '"), refused.getMessage());
        }
        assertNull(vhost.queue("bad"));
    }

    @Test
    void singleActiveConsumerIsTheHighestPriorityOne() throws InterruptedException {
        Queue work = queue("work", Map.of("x-single-active-consumer", true));
        RecordingConsumer low = new RecordingConsumer();
        RecordingConsumer high = new RecordingConsumer();
        RecordingConsumer middle = new RecordingConsumer();
        subscribe(work, low, new ConsumerOptions(0, true, false, 1));
        Subscription highSubscription = subscribe(work, high, new ConsumerOptions(0, true, false, 9));
        subscribe(work, middle, new ConsumerOptions(0, true, false, 5));
        publish("a");
        assertEquals("a", text(take(high)));
        highSubscription.cancel();
        publish("b");
        assertEquals("b", text(take(middle)), "the next highest priority takes over, not the earliest");
        assertEquals(0, low.pending());
    }

    @Test
    void higherPrioritySingleActiveConsumerTakesOverOnceTheActiveOneHoldsNothing() throws InterruptedException {
        Queue work = queue("work", Map.of("x-single-active-consumer", true));
        RecordingConsumer first = new RecordingConsumer();
        RecordingConsumer preferred = new RecordingConsumer();
        subscribe(work, first, new ConsumerOptions(0, false, false, 0));
        publish("1");
        Delivery one = take(first);
        subscribe(work, preferred, new ConsumerOptions(0, false, false, 5));
        publish("2");
        assertNull(preferred.poll(Duration.ofMillis(200)), "not switched while the active one holds a message");
        assertEquals(0, first.pending(), "the outranked consumer gets nothing more");
        one.subscription().settle(one.entryId());
        Delivery two = take(preferred);
        assertEquals("2", text(two));
        two.subscription().settle(two.entryId());
        publish("3");
        Delivery three = take(preferred);
        assertEquals("3", text(three));
        three.subscription().settle(three.entryId());
        assertEquals(0, first.pending());
    }

    @Test
    void higherPrioritySingleActiveConsumerTakesOverAtOnceFromAnIdleOne() throws InterruptedException {
        Queue work = queue("work", Map.of("x-single-active-consumer", true));
        RecordingConsumer first = new RecordingConsumer();
        RecordingConsumer preferred = new RecordingConsumer();
        subscribe(work, first, new ConsumerOptions(0, true, false, 0));
        publish("1");
        assertEquals("1", text(take(first)));
        subscribe(work, preferred, new ConsumerOptions(0, true, false, 2));
        publish("2");
        assertEquals("2", text(take(preferred)));
        assertEquals(0, first.pending());
    }

    @Test
    void equalPrioritySingleActiveConsumerDoesNotTakeOver() throws InterruptedException {
        Queue work = queue("work", Map.of("x-single-active-consumer", true));
        RecordingConsumer first = new RecordingConsumer();
        RecordingConsumer second = new RecordingConsumer();
        subscribe(work, first, new ConsumerOptions(0, true, false, 3));
        subscribe(work, second, new ConsumerOptions(0, true, false, 3));
        publish("1");
        publish("2");
        assertEquals("1", text(take(first)));
        assertEquals("2", text(take(first)));
        assertEquals(0, second.pending());
    }
}
