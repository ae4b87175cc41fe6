package dev.junction.core;

import dev.junction.core.exchange.Exchange;
import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.ConsumerOptions;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.queue.RecordingConsumer;
import dev.junction.core.store.Storage;
import dev.junction.core.store.StorageEngines;
import dev.junction.core.store.StorageSettings;
import dev.junction.core.store.log.FsyncPolicy;
import dev.junction.core.vhost.VirtualHost;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker over the log engine: what is durable comes back after a restart, what is not does not. */
class BrokerRecoveryTest {
    private static final QueueSettings DURABLE = new QueueSettings(true, null, false, Map.of());
    private static final QueueSettings TRANSIENT = new QueueSettings(false, null, false, Map.of());
    private static final ExchangeSettings DURABLE_EXCHANGE = new ExchangeSettings(true, false, false, Map.of());

    @TempDir
    Path directory;
    private Storage storage;
    private Broker broker;

    private VirtualHost start() throws Exception {
        storage = StorageEngines.open("log", new StorageSettings(directory, FsyncPolicy.ALWAYS, 1 << 20));
        broker = new Broker(2, storage);
        return broker.virtualHost(Broker.DEFAULT_VHOST);
    }

    /**
     * Stops as a crash would leave the disk: the store is closed first, so what the broker then lets go of in
     * memory is not recorded (the log warns about each refused write).
     */
    private VirtualHost restart() throws Exception {
        storage.close();
        dropQueues();
        broker.close();
        return start();
    }

    @AfterEach
    void stop() throws Exception {
        dropQueues();
        broker.close();
        storage.close();
    }

    private void dropQueues() {
        for (VirtualHost vhost : broker.virtualHosts()) {
            for (Queue queue : List.copyOf(vhost.queues())) {
                vhost.deleteQueue(queue.name(), queue.settings().exclusiveOwner(), false, false).join();
            }
        }
    }

    private static Message message(String routingKey, String body, boolean persistent) {
        MessageProperties properties = persistent
                ? MessageProperties.EMPTY.withDeliveryMode(MessageProperties.PERSISTENT) : MessageProperties.EMPTY;
        return new Message("orders", routingKey, properties, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    /** Publishes and waits until the store says the message is safe. */
    private static void publishStored(VirtualHost vhost, String exchange, Message message) throws Exception {
        CompletableFuture<Throwable> stored = new CompletableFuture<>();
        vhost.publish(exchange, message, accepted -> { }, stored::complete);
        assertNull(stored.get(5, TimeUnit.SECONDS));
    }

    private RecordingConsumer consume(Queue queue) {
        RecordingConsumer consumer = new RecordingConsumer();
        queue.subscribe(consumer, new ConsumerOptions(0, false, false)).join();
        return consumer;
    }

    private static String body(Delivery delivery) {
        String text = delivery.message().body().toString(StandardCharsets.UTF_8);
        delivery.message().release();
        return text;
    }

    @Test
    void durableTopologyAndUnsettledPersistentMessagesSurviveARestart() throws Exception {
        VirtualHost vhost = start();
        vhost.declareExchange("orders", ExchangeType.TOPIC, DURABLE_EXCHANGE);
        Queue durable = vhost.declareQueue("durable-q", DURABLE);
        vhost.declareQueue("transient-q", TRANSIENT);
        vhost.declareQueue("exclusive-q", new QueueSettings(true, new Object(), false, Map.of()));
        vhost.bindQueue("orders", "durable-q", "a.#", Map.of(), null);
        vhost.bindQueue("orders", "transient-q", "a.#", Map.of(), null);
        for (int i = 1; i <= 5; i++) {
            publishStored(vhost, "orders", message("a.b", "m" + i, true));
        }
        publishStored(vhost, "orders", message("a.b", "not persistent", false));
        RecordingConsumer consumer = consume(durable);
        Delivery first = consumer.take();
        consumer.take();
        first.subscription().settle(first.entryId());
        first.message().release();
        await().atMost(Duration.ofSeconds(5)).until(() -> durable.unsettledCount() == 5);

        vhost = restart();

        Exchange orders = vhost.exchange("orders");
        assertEquals(ExchangeType.TOPIC, orders.type());
        assertTrue(orders.settings().durable());
        assertNull(vhost.queue("transient-q"));
        assertNull(vhost.queue("exclusive-q"));
        Queue recovered = vhost.queue("durable-q");
        RecordingConsumer again = consume(recovered);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Delivery delivery = again.take();
            assertTrue(delivery.redelivered(), "recovered messages are marked redelivered");
            bodies.add(body(delivery));
        }
        assertEquals(List.of("m2", "m3", "m4", "m5"), bodies);
        assertNull(again.poll(Duration.ofMillis(100)), "nothing else, and nothing that was not persistent");
        assertEquals(List.of(recovered), vhost.publish("orders", message("a.c", "routed", false)),
                "the binding came back");
    }

    @Test
    void aMessageInSeveralQueuesComesBackOnlyWhereItWasNotSettled() throws Exception {
        VirtualHost vhost = start();
        vhost.declareExchange("orders", ExchangeType.FANOUT, DURABLE_EXCHANGE);
        for (String name : List.of("q1", "q2", "q3")) {
            vhost.declareQueue(name, DURABLE);
            vhost.bindQueue("orders", name, "", Map.of(), null);
        }
        publishStored(vhost, "orders", message("", "shared", true));
        for (String name : List.of("q1", "q3")) {
            Delivery delivery = consume(vhost.queue(name)).take();
            delivery.subscription().settle(delivery.entryId());
            delivery.message().release();
        }
        awaitSettled(vhost, "q1", "q3");

        vhost = restart();

        assertEquals(0, vhost.queue("q1").readyCount());
        assertEquals(0, vhost.queue("q3").readyCount());
        assertEquals("shared", body(consume(vhost.queue("q2")).take()));
    }

    @Test
    void deletionsAndUnbindingsAreRemembered() throws Exception {
        VirtualHost vhost = start();
        broker.addVirtualHost("other");
        vhost.declareExchange("orders", ExchangeType.DIRECT, DURABLE_EXCHANGE);
        vhost.declareExchange("doomed", ExchangeType.DIRECT, DURABLE_EXCHANGE);
        vhost.declareQueue("q", DURABLE);
        vhost.declareQueue("kept", DURABLE);
        vhost.bindQueue("orders", "q", "k", Map.of(), null);
        vhost.bindQueue("orders", "kept", "k", Map.of(), null);
        vhost.bindExchange("orders", "doomed", "k", Map.of());
        publishStored(vhost, "orders", message("k", "old", true));
        vhost.deleteQueue("q", null, false, false).join();
        vhost.declareQueue("q", DURABLE);
        vhost.unbindQueue("orders", "kept", "k", Map.of(), null);
        vhost.deleteExchange("doomed", false);

        vhost = restart();

        assertNotNull(broker.virtualHost("other"));
        assertNull(vhost.exchange("doomed"));
        assertTrue(vhost.exchange("orders").bindings().isEmpty(), "unbound, and the q binding died with q");
        assertEquals(0, vhost.queue("q").readyCount(), "a redeclared queue does not get its predecessor's messages");
        assertEquals("old", body(consume(vhost.queue("kept")).take()));
    }

    @Test
    void whatNeedsNoStoringIsReportedStoredAtOnce() throws Exception {
        VirtualHost vhost = start();
        vhost.declareQueue("durable", DURABLE);
        vhost.declareQueue("transient", TRANSIENT);
        for (Message message : List.of(message("durable", "not persistent", false),
                message("transient", "transient queue", true), message("nowhere", "unroutable", true))) {
            CompletableFuture<Throwable> stored = new CompletableFuture<>();
            vhost.publish("", message, accepted -> { }, stored::complete);
            assertTrue(stored.isDone(), message + " should need no write");
            assertNull(stored.join());
        }
    }

    private static void awaitSettled(VirtualHost vhost, String... queues) {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            for (String queue : queues) {
                if (vhost.queue(queue).unsettledCount() + vhost.queue(queue).readyCount() > 0) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void limitsChangedOnALiveQueueComeBackAfterARestartWithItsMessages() throws Exception {
        VirtualHost vhost = start();
        vhost.declareQueue("bounded", new QueueSettings(true, null, false,
                Map.of("x-max-length", 1000, "x-dead-letter-exchange", "amq.fanout")));
        for (int i = 1; i <= 5; i++) {
            publishStored(vhost, "", new Message("", "bounded",
                    MessageProperties.EMPTY.withDeliveryMode(MessageProperties.PERSISTENT),
                    Unpooled.copiedBuffer("m" + i, StandardCharsets.UTF_8)));
        }
        Map<String, Object> overrides = new java.util.HashMap<>();
        overrides.put("x-max-length", 3);
        overrides.put("x-overflow", "reject-publish");
        overrides.put("x-dead-letter-exchange", null);
        vhost.overrideLimits("bounded", overrides).get(5, TimeUnit.SECONDS);
        assertEquals(5, vhost.queue("bounded").readyCount(), "reject-publish drops nothing already queued");

        vhost = restart();
        Queue recovered = vhost.queue("bounded");
        assertEquals(3L, recovered.arguments().maxLength());
        assertEquals(dev.junction.core.queue.Overflow.REJECT_PUBLISH, recovered.arguments().overflow());
        assertNull(recovered.arguments().deadLetterExchange());
        assertEquals(1000, recovered.settings().arguments().get("x-max-length"), "declared arguments kept");
        await().atMost(Duration.ofSeconds(30)).until(() -> recovered.readyCount() == 5);

        // Another queue of the same name does not inherit them, then or after the next restart.
        vhost.deleteQueue("bounded", null, false, false).join();
        vhost.declareQueue("bounded", new QueueSettings(true, null, false, Map.of("x-max-length", 1000)));
        vhost = restart();
        assertEquals(1000L, vhost.queue("bounded").arguments().maxLength());
        assertTrue(vhost.queue("bounded").limitOverrides().isEmpty());
    }

    @Test
    void policiesComeBackAfterARestartAndStillApplyToQueuesDeclaredLater() throws Exception {
        VirtualHost vhost = start();
        vhost.declareQueue("orders", DURABLE);
        vhost.setPolicy(new dev.junction.core.vhost.Policy("bounded", "^orders",
                dev.junction.core.vhost.Policy.ApplyTo.QUEUES, 3, Map.of("max-length", 2)));
        vhost.setPolicy(new dev.junction.core.vhost.Policy("gone", ".*",
                dev.junction.core.vhost.Policy.ApplyTo.ALL, 0, Map.of("max-length", 9)));
        vhost.clearPolicy("gone");

        vhost = restart();
        assertEquals(List.of("bounded"), vhost.policies().stream().map(dev.junction.core.vhost.Policy::name).toList());
        Queue recovered = vhost.queue("orders");
        assertEquals("bounded", vhost.policyOf(recovered).name());
        // The stored limits are laid over the recovered queue on its own thread.
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.valueOf(2).equals(recovered.arguments().maxLength()));
        Queue later = vhost.declareQueue("orders.later", TRANSIENT);
        assertEquals("bounded", vhost.policyOf(later).name());
        vhost.clearPolicy("bounded");
        vhost = restart();
        assertTrue(vhost.policies().isEmpty());
        assertNull(vhost.queue("orders").arguments().maxLength());
    }

    /** A queue dead-lettering to {@code dead} through amq.fanout, and a consumer on {@code dead}. */
    private RecordingConsumer deadLetters(VirtualHost vhost) {
        return consume(vhost.queue("dead"));
    }

    private static void declareExpiringQueue(VirtualHost vhost, Map<String, Object> arguments) throws Exception {
        vhost.declareQueue("dead", DURABLE);
        vhost.bindQueue("amq.fanout", "dead", "", Map.of(), null);
        Map<String, Object> withDlx = new java.util.HashMap<>(arguments);
        withDlx.put("x-dead-letter-exchange", "amq.fanout");
        vhost.declareQueue("expiring", new QueueSettings(true, null, false, withDlx));
    }

    private static Message expiring(String body, String expiration) {
        MessageProperties properties = MessageProperties.EMPTY.withDeliveryMode(MessageProperties.PERSISTENT);
        return new Message("", "expiring", expiration == null ? properties : properties.withExpiration(expiration),
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    private static String deathReason(Delivery delivery) {
        Object deaths = delivery.message().properties().headers().get("x-death");
        return String.valueOf(((Map<?, ?>) ((List<?>) deaths).get(0)).get("reason"));
    }

    @Test
    void aRecoveredMessageExpiresOnItsOriginalDeadlineNotItsTtlAfterTheRestart() throws Exception {
        VirtualHost vhost = start();
        declareExpiringQueue(vhost, Map.of());
        long publishedAt = System.nanoTime();
        publishStored(vhost, "", expiring("m", "3000"));
        // The message ages 2 s of its 3 s TTL before the restart.
        Thread.sleep(2000);

        vhost = restart();
        long restartedAt = System.nanoTime();
        Delivery dead = deadLetters(vhost).take();
        long afterRestartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
        assertEquals("expired", deathReason(dead));
        assertEquals("m", body(dead));
        assertTrue(afterRestartMillis < 2500, "expired " + afterRestartMillis + " ms after the restart, "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - publishedAt) + " ms after the publish: "
                + "its TTL counted from the restart");
    }

    @Test
    void aMessageWhoseTtlPassedWhileTheBrokerWasDownIsDeadLetteredNotDelivered() throws Exception {
        VirtualHost vhost = start();
        declareExpiringQueue(vhost, Map.of("x-message-ttl", 1500));
        publishStored(vhost, "", expiring("queue ttl", null));
        publishStored(vhost, "", expiring("own ttl", "1000"));
        vhost.declareQueue("kept", DURABLE);
        vhost.bindQueue("amq.direct", "kept", "kept", Map.of(), null);
        Message kept = message("kept", "k", true);
        publishStored(vhost, "amq.direct", kept.withProperties(kept.properties().withExpiration("60000")));
        kept.release();
        // The crash: what the broker does from here on is not recorded, and both TTLs pass while it is down.
        storage.close();
        Thread.sleep(2000);

        vhost = restart();
        RecordingConsumer consumer = consume(vhost.queue("expiring"));
        RecordingConsumer dead = deadLetters(vhost);
        List<String> deadBodies = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Delivery delivery = dead.take();
            assertEquals("expired", deathReason(delivery));
            deadBodies.add(body(delivery));
        }
        assertEquals(List.of("queue ttl", "own ttl"), deadBodies);
        assertNull(consumer.poll(Duration.ofMillis(300)), "an expired message is not delivered");
        assertEquals("k", body(consume(vhost.queue("kept")).take()), "one with time left comes back");
    }
}
