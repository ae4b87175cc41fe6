package dev.junction.core;

import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.ConsumerOptions;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.queue.RecordingConsumer;
import dev.junction.core.store.MemoryStorage;
import dev.junction.core.store.Storage;
import dev.junction.core.store.StorageEngines;
import dev.junction.core.store.StorageSettings;
import dev.junction.core.store.log.FsyncPolicy;
import dev.junction.core.vhost.VirtualHost;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Queues over the log engine with a small queue memory limit: backlogs live in the store, not in the heap. */
class QueuePagingTest {
    private static final long LIMIT = 256 << 10;
    private static final QueueSettings DURABLE = new QueueSettings(true, null, false, Map.of());
    private static final ExchangeSettings DURABLE_EXCHANGE = new ExchangeSettings(true, false, false, Map.of());
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path directory;
    private Storage storage;
    private Broker broker;

    private VirtualHost start(long segmentBytes) throws IOException {
        return start(segmentBytes, LIMIT);
    }

    private VirtualHost start(long segmentBytes, long limit) throws IOException {
        storage = StorageEngines.open("log", new StorageSettings(directory, FsyncPolicy.NEVER, segmentBytes, limit));
        broker = new Broker(2, storage);
        return broker.virtualHost(Broker.DEFAULT_VHOST);
    }

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
            storage.close();
        }
    }

    private static Message message(int n, boolean persistent, Integer priority, String expiration) {
        return message(n, "q", persistent, priority, expiration);
    }

    private static Message message(int n, String routingKey, boolean persistent, Integer priority,
                                   String expiration) {
        MessageProperties properties = new MessageProperties("text/plain", null, Map.of("n", n),
                persistent ? MessageProperties.PERSISTENT : 1, priority, null, null, expiration, "m" + n, null, null,
                null, null, null);
        return new Message("", routingKey, properties, Unpooled.copiedBuffer(body(n), StandardCharsets.UTF_8));
    }

    /** About 100 bytes, and different for each message. */
    private static String body(int n) {
        return "message " + n + " " + "x".repeat(80 + n % 17);
    }

    private static void publishAll(VirtualHost vhost, String exchange, int count, Publisher publisher)
            throws Exception {
        CompletableFuture<Throwable> last = new CompletableFuture<>();
        for (int n = 0; n < count; n++) {
            vhost.publish(exchange, publisher.message(n), accepted -> { }, n == count - 1 ? last::complete : failure -> { });
        }
        assertNull(last.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    }

    @FunctionalInterface
    private interface Publisher {
        Message message(int n);
    }

    /** The queue has taken every message and finished writing its page records. */
    private static void awaitPagedOut(Queue queue, int ready) {
        await().atMost(PATIENCE).until(() -> queue.readyCount() == ready && queue.memoryBytes() <= LIMIT);
    }

    private static String take(RecordingConsumer consumer, int expectedNumber, boolean expectPersistent) throws Exception {
        Delivery delivery = consumer.take();
        Message message = delivery.message();
        try {
            String text = message.body().toString(StandardCharsets.UTF_8);
            assertEquals(body(expectedNumber), text);
            assertEquals("m" + expectedNumber, message.properties().messageId());
            assertEquals(expectedNumber, message.properties().header("n"));
            assertEquals(expectPersistent, message.properties().persistent());
            assertEquals("text/plain", message.properties().contentType());
            return text;
        } finally {
            message.release();
        }
    }

    @Test
    void aLimitLoweredDeepIntoAPagedBacklogDeadLettersTheOldestInOrderAndKeepsTheNewest() throws Exception {
        VirtualHost vhost = start(4 << 20);
        Queue queue = vhost.declareQueue("q", DURABLE);
        Queue dead = vhost.declareQueue("dead", DURABLE);
        vhost.bindQueue("amq.fanout", "dead", "", Map.of(), null);
        int count = 20_000;
        int kept = 100;
        publishAll(vhost, "", count, n -> message(n, true, null, null));
        awaitPagedOut(queue, count);

        vhost.overrideLimits("q", Map.of("x-max-length", kept, "x-dead-letter-exchange", "amq.fanout"))
                .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        await().atMost(PATIENCE).until(() -> queue.readyCount() == kept && dead.readyCount() == count - kept);

        RecordingConsumer deadLetters = new RecordingConsumer();
        dead.subscribe(deadLetters, new ConsumerOptions(0, true, false)).join();
        for (int n = 0; n < count - kept; n++) {
            take(deadLetters, n, true);
        }
        RecordingConsumer consumer = new RecordingConsumer();
        queue.subscribe(consumer, new ConsumerOptions(0, true, false)).join();
        for (int n = count - kept; n < count; n++) {
            take(consumer, n, true);
        }
    }

    @Test
    void aBacklogFarLargerThanTheLimitStaysOutOfTheHeapAndIsDeliveredInOrder() throws Exception {
        VirtualHost vhost = start(4 << 20);
        Queue queue = vhost.declareQueue("q", DURABLE);
        int count = 40_000;
        publishAll(vhost, "", count, n -> message(n, n % 3 != 0, null, null));
        awaitPagedOut(queue, count);
        assertTrue(queue.memoryBytes() > LIMIT / 2, "the head is kept in memory: " + queue.memoryBytes());

        RecordingConsumer consumer = new RecordingConsumer();
        queue.subscribe(consumer, new ConsumerOptions(0, true, false)).join();
        long mostInMemory = 0;
        for (int n = 0; n < count; n++) {
            take(consumer, n, n % 3 != 0);
            mostInMemory = Math.max(mostInMemory, queue.memoryBytes());
        }
        assertTrue(mostInMemory <= LIMIT + 200, "at most one body beyond the limit, saw " + mostInMemory);
        assertEquals(0, queue.readyCount());
        await().atMost(PATIENCE).until(() -> queue.memoryBytes() == 0);
    }

    @Test
    void theMemoryEngineKeepsEveryBodyInMemory() throws Exception {
        storage = new MemoryStorage();
        broker = new Broker(1, storage);
        VirtualHost vhost = broker.virtualHost(Broker.DEFAULT_VHOST);
        Queue queue = vhost.declareQueue("q", DURABLE);
        publishAll(vhost, "", 100, n -> message(n, true, null, null));
        long expected = 0;
        for (int n = 0; n < 100; n++) {
            expected += body(n).length();
        }
        long bytes = expected;
        await().atMost(PATIENCE).until(() -> queue.memoryBytes() == bytes);
    }

    @Test
    void priorityOrderHoldsOverPagedMessages() throws Exception {
        VirtualHost vhost = start(4 << 20);
        Queue queue = vhost.declareQueue("q", new QueueSettings(true, null, false, Map.of("x-max-priority", 3)));
        int count = 12_000;
        publishAll(vhost, "", count, n -> message(n, n % 2 == 0, n % 4, null));
        awaitPagedOut(queue, count);

        RecordingConsumer consumer = new RecordingConsumer();
        queue.subscribe(consumer, new ConsumerOptions(0, true, false)).join();
        for (int priority = 3; priority >= 0; priority--) {
            for (int n = priority; n < count; n += 4) {
                take(consumer, n, n % 2 == 0);
            }
        }
        assertEquals(0, queue.readyCount());
    }

    @Test
    void pagedMessagesExpireAndAreDeadLetteredWithTheirBodies() throws Exception {
        VirtualHost vhost = start(4 << 20);
        vhost.declareExchange("dlx", ExchangeType.FANOUT, DURABLE_EXCHANGE);
        Queue dead = vhost.declareQueue("dead", DURABLE);
        vhost.bindQueue("dlx", "dead", "", Map.of(), null);
        Queue queue = vhost.declareQueue("q", new QueueSettings(true, null, false,
                Map.of("x-dead-letter-exchange", "dlx")));
        int count = 10_000;
        // No consumer: the expiry of the paged tail alone has its bodies read back, to dead-letter them.
        publishAll(vhost, "", count, n -> message(n, n % 2 == 0, null, "300"));
        await().atMost(PATIENCE).untilAsserted(() -> assertEquals(count, dead.readyCount(),
                "still in the queue: " + queue.readyCount() + ", bytes in memory " + queue.memoryBytes()));
        assertEquals(0, queue.readyCount());

        RecordingConsumer deadConsumer = new RecordingConsumer();
        dead.subscribe(deadConsumer, new ConsumerOptions(0, true, false)).join();
        for (int n = 0; n < count; n++) {
            Delivery delivery = deadConsumer.take();
            assertEquals(body(n), delivery.message().body().toString(StandardCharsets.UTF_8));
            assertEquals(n % 2 == 0, delivery.message().properties().persistent());
            delivery.message().release();
        }
    }

    @Test
    void aRestartWithAPagedBacklogRecoversEveryPersistentMessageAndNoTransientOne() throws Exception {
        VirtualHost vhost = start(1 << 20);
        Queue queue = vhost.declareQueue("q", DURABLE);
        int count = 20_000;
        publishAll(vhost, "", count, n -> message(n, n % 3 != 0, null, null));
        awaitPagedOut(queue, count);

        broker.close();
        storage.close();
        vhost = start(1 << 20);

        Queue recovered = vhost.queue("q");
        int persistent = count - (count + 2) / 3;
        awaitPagedOut(recovered, persistent);
        RecordingConsumer consumer = new RecordingConsumer();
        recovered.subscribe(consumer, new ConsumerOptions(0, true, false)).join();
        for (int n = 0; n < count; n++) {
            if (n % 3 != 0) {
                take(consumer, n, true);
            }
        }
        assertNull(consumer.poll(Duration.ofMillis(50)), "transient messages and their pages did not come back");
    }

    @Test
    void aPagedMessageCostsAFewTensOfBytesOfHeap() throws Exception {
        VirtualHost vhost = start(4 << 20);
        Queue queue = vhost.declareQueue("q", DURABLE);
        long before = liveHeap();
        int count = 40_000;
        publishAll(vhost, "", count, n -> message(n, true, null, null));
        awaitPagedOut(queue, count);

        // The queue's slot (36 bytes, see PagedTailTest) and the log's index entry (about 60) of each message, and
        // the in-memory head spread over the backlog; a stub object with properties and handle cost 350 here.
        long perMessage = (liveHeap() - before) / count;
        assertTrue(perMessage < 200, perMessage + " bytes of heap per paged message");
        assertEquals(count, queue.readyCount());
    }

    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Test
    void aRestartWithABacklogFiftyTimesTheLimitHoldsNoBodyUntilConsumedThenDeliversEachInOrderOnce()
            throws Exception {
        long limit = 16 << 10;
        VirtualHost vhost = start(1 << 20, limit);
        Queue queue = vhost.declareQueue("q", DURABLE);
        int count = 9_000;
        publishAll(vhost, "", count, n -> message(n, true, null, n % 5 == 0 ? "600000" : null));
        long bytes = 0;
        for (int n = 0; n < count; n++) {
            bytes += body(n).length();
        }
        assertTrue(bytes > 50 * limit, bytes + " bytes of bodies");
        awaitPagedOut(queue, count);

        broker.close();
        storage.close();
        vhost = start(1 << 20, limit);

        Queue recovered = vhost.queue("q");
        await().atMost(PATIENCE).until(() -> recovered.readyCount() == count);
        assertEquals(0, recovered.memoryBytes(), "no body is read back before a consumer needs it");
        Queue.Fetched first = recovered.get(true).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(body(0), first.delivery().message().body().toString(StandardCharsets.UTF_8),
                "a get waits for the head to be read back rather than answering empty");
        first.delivery().message().release();
        RecordingConsumer consumer = new RecordingConsumer();
        recovered.subscribe(consumer, new ConsumerOptions(0, true, false)).join();
        long mostInMemory = 0;
        for (int n = 1; n < count; n++) {
            take(consumer, n, true);
            mostInMemory = Math.max(mostInMemory, recovered.memoryBytes());
        }
        assertTrue(mostInMemory <= limit + 200, "at most one body beyond the limit, saw " + mostInMemory);
        assertNull(consumer.poll(Duration.ofMillis(50)), "each message came back once");
        assertEquals(0, recovered.readyCount());
    }

    @Test
    void compactionMovesPagedRecordsAndNeverDeletesThem() throws Exception {
        VirtualHost vhost = start(256 << 10);
        vhost.declareExchange("mixed", ExchangeType.DIRECT, DURABLE_EXCHANGE);
        Queue kept = vhost.declareQueue("kept", DURABLE);
        Queue churn = vhost.declareQueue("churn", DURABLE);
        vhost.bindQueue("mixed", "kept", "kept", Map.of(), null);
        vhost.bindQueue("mixed", "churn", "churn", Map.of(), null);
        int count = 30_000;
        publishAll(vhost, "mixed", count, n -> message(n, n % 10 < 2 ? "kept" : "churn", n % 10 != 5, null, null));
        int keptCount = count / 5;
        awaitPagedOut(kept, keptCount);
        long segmentsBefore = segmentFiles();

        RecordingConsumer churner = new RecordingConsumer();
        churn.subscribe(churner, new ConsumerOptions(0, true, false)).join();
        for (int i = 0; i < count - keptCount; i++) {
            churner.take().message().release();
        }
        await().atMost(PATIENCE).until(() -> segmentFiles() < segmentsBefore / 2);

        RecordingConsumer consumer = new RecordingConsumer();
        kept.subscribe(consumer, new ConsumerOptions(0, true, false)).join();
        for (int n = 0; n < count; n++) {
            if (n % 10 < 2) {
                take(consumer, n, true);
            }
        }
        assertEquals(0, kept.readyCount());
    }

    @Test
    void purgingAPagedBacklogLetsGoOfItsPagesAndStoredCopies() throws Exception {
        VirtualHost vhost = start(256 << 10);
        Queue queue = vhost.declareQueue("q", DURABLE);
        int count = 20_000;
        publishAll(vhost, "", count, n -> message(n, n % 2 == 0, null, null));
        awaitPagedOut(queue, count);
        long segmentsBefore = segmentFiles();
        assertTrue(segmentsBefore > 5, segmentsBefore + " segments");

        assertEquals(count, queue.purge().get(PATIENCE.toSeconds(), TimeUnit.SECONDS));

        await().atMost(PATIENCE).until(() -> segmentFiles() <= 2);
        assertEquals(0, queue.memoryBytes());
        assertFalse(queue.readyCount() > 0);
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.toString().endsWith(".seg")).count();
        }
    }
}
