package dev.junction.core.vhost;

import dev.junction.core.BrokerException;
import dev.junction.core.ErrorKind;
import dev.junction.core.exchange.Exchange;
import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.ConsumerOptions;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.queue.QueueConsumer;
import dev.junction.core.thread.Shard;
import dev.junction.core.thread.ShardGroup;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtualHostTopologyTest {
    private final ShardGroup shards = new ShardGroup(2);
    private final VirtualHost vhost = new VirtualHost("/", shards);
    private final Object connection = new Object();
    private final Object otherConnection = new Object();

    @AfterEach
    void stop() throws InterruptedException {
        for (Queue queue : List.copyOf(vhost.queues())) {
            vhost.deleteQueue(queue.name(), queue.settings().exclusiveOwner(), false, false).join();
        }
        shards.close();
    }

    private static void assertRefused(ErrorKind kind, String message, Executable action) {
        BrokerException refused = assertThrows(BrokerException.class, action);
        assertEquals(kind, refused.kind());
        if (message != null) {
            assertEquals(message, refused.getMessage());
        }
    }

    /** Issue #15: a definitions file's JSON numbers come back as long; the queue was declared with an int. */
    @Test
    void queueArgumentsCompareByValueWhateverTheirNumberType() {
        Queue declared = vhost.declareQueue("bounded", new QueueSettings(false, null, false,
                Map.of("x-max-length", 10, "x-message-ttl", (short) 500, "x-dead-letter-exchange", "dlx")));
        assertSame(declared, vhost.declareQueue("bounded", new QueueSettings(false, null, false,
                Map.of("x-max-length", 10L, "x-message-ttl", 500L, "x-dead-letter-exchange", "dlx"))));
        assertRefused(ErrorKind.PRECONDITION_FAILED, "inequivalent arg 'x-max-length' for queue 'bounded' in vhost "
                + "'/': received the value '11' of type 'long' but current is the value '10' of type 'signedint'",
                () -> vhost.declareQueue("bounded", new QueueSettings(false, null, false,
                        Map.of("x-max-length", 11L, "x-message-ttl", 500L, "x-dead-letter-exchange", "dlx"))));
    }

    private static QueueSettings plainQueue() {
        return new QueueSettings(false, null, false, Map.of());
    }

    @Test
    void aQueueDeclaredWithAnOwnerRunsOnItAndKeepsItWhenRedeclared() throws Exception {
        try (Shard mine = new Shard("its-own-owner"); Shard other = new Shard("another-owner")) {
            Queue queue = vhost.declareQueue("owned", plainQueue(), mine);
            assertSame(queue, vhost.declareQueue("owned", plainQueue(), other));
            LinkedBlockingQueue<String> deliveringThreads = new LinkedBlockingQueue<>();
            queue.subscribe(new QueueConsumer() {
                @Override
                public void deliver(Delivery delivery) {
                    deliveringThreads.add(Thread.currentThread().getName());
                    delivery.message().release();
                }

                @Override
                public void queueDeleted(Queue deleted) {
                }
            }, new ConsumerOptions(0, true, false)).join();
            vhost.publish("", new Message("x", "owned", MessageProperties.EMPTY, Unpooled.buffer(0)));
            assertEquals("its-own-owner", deliveringThreads.poll(5, TimeUnit.SECONDS));
            vhost.deleteQueue("owned", null, false, false).join();
        }
    }

    @Test
    void redeclaringAnExchangeAlikeReturnsItAndUnlikeIsPreconditionFailed() {
        Exchange first = vhost.declareExchange("logs", ExchangeType.FANOUT, ExchangeSettings.plain());
        assertSame(first, vhost.declareExchange("logs", ExchangeType.FANOUT, ExchangeSettings.plain()));
        assertRefused(ErrorKind.PRECONDITION_FAILED, "inequivalent arg 'type' for exchange 'logs' in vhost '/': "
                        + "received 'direct' but current is 'fanout'",
                () -> vhost.declareExchange("logs", ExchangeType.DIRECT, ExchangeSettings.plain()));
        assertRefused(ErrorKind.PRECONDITION_FAILED, "inequivalent arg 'durable' for exchange 'logs' in vhost '/': "
                        + "received 'true' but current is 'false'",
                () -> vhost.declareExchange("logs", ExchangeType.FANOUT, ExchangeSettings.builtIn()));
    }

    @Test
    void reservedNamesAreProtected() {
        assertRefused(ErrorKind.ACCESS_REFUSED, null,
                () -> vhost.declareExchange("amq.mine", ExchangeType.DIRECT, ExchangeSettings.plain()));
        assertRefused(ErrorKind.ACCESS_REFUSED, null, () -> vhost.deleteExchange("amq.topic", false));
        assertRefused(ErrorKind.ACCESS_REFUSED, null, () -> vhost.declareQueue("amq.q", plainQueue()));
        // Redeclaring a built-in exchange with its own properties is allowed, as clients do it.
        assertSame(vhost.exchange("amq.topic"),
                vhost.declareExchange("amq.topic", ExchangeType.TOPIC, ExchangeSettings.builtIn()));
    }

    @Test
    void passiveLookupsOfMissingThingsAreNotFound() {
        assertRefused(ErrorKind.NOT_FOUND, "no exchange 'ghost' in vhost '/'", () -> vhost.existingExchange("ghost"));
        assertRefused(ErrorKind.NOT_FOUND, "no queue 'ghost' in vhost '/'", () -> vhost.existingQueue("ghost", null));
        assertRefused(ErrorKind.NOT_FOUND, null, () -> vhost.bindQueue("amq.direct", "ghost", "k", Map.of(), null));
    }

    @Test
    void deletingWhatDoesNotExistSucceeds() {
        vhost.deleteExchange("never", false);
        assertEquals(0, vhost.deleteQueue("never", null, false, false).join());
    }

    @Test
    void exchangeDeleteIfUnusedRefusesWhileBound() {
        vhost.declareExchange("e", ExchangeType.DIRECT, ExchangeSettings.plain());
        vhost.declareQueue("q", plainQueue());
        vhost.bindQueue("e", "q", "k", Map.of(), null);
        assertRefused(ErrorKind.PRECONDITION_FAILED, null, () -> vhost.deleteExchange("e", true));
        vhost.deleteExchange("e", false);
        assertNull(vhost.exchange("e"));
    }

    @Test
    void exclusiveQueuesBelongToOneConnection() {
        vhost.declareQueue("mine", new QueueSettings(false, connection, false, Map.of()));
        assertRefused(ErrorKind.RESOURCE_LOCKED,
                "cannot obtain exclusive access to locked queue 'mine' in vhost '/'",
                () -> vhost.declareQueue("mine", new QueueSettings(false, otherConnection, false, Map.of())));
        assertRefused(ErrorKind.RESOURCE_LOCKED, null, () -> vhost.existingQueue("mine", otherConnection));
        assertRefused(ErrorKind.RESOURCE_LOCKED, null,
                () -> vhost.deleteQueue("mine", otherConnection, false, false));
        assertSame(vhost.queue("mine"), vhost.existingQueue("mine", connection));
    }

    @Test
    void redeclaringAQueueUnlikeIsPreconditionFailed() {
        vhost.declareQueue("q", plainQueue());
        assertRefused(ErrorKind.PRECONDITION_FAILED, null,
                () -> vhost.declareQueue("q", new QueueSettings(true, null, false, Map.of())));
        assertRefused(ErrorKind.PRECONDITION_FAILED, null,
                () -> vhost.declareQueue("q", new QueueSettings(false, null, false, Map.of("x-max-length", 5))));
    }

    @Test
    void queueDeleteIfEmptyAndIfUnused() {
        Queue queue = vhost.declareQueue("q", plainQueue());
        vhost.publish("", new Message("", "q", MessageProperties.EMPTY, Unpooled.buffer(0)));
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.readyCount() == 1);
        assertRefused(ErrorKind.PRECONDITION_FAILED, "queue 'q' in vhost '/' is not empty",
                () -> vhost.deleteQueue("q", null, false, true));
        assertEquals(1, vhost.deleteQueue("q", null, true, false).join());
        assertNull(vhost.queue("q"));
    }

    @Test
    void deletingAQueueRemovesItsBindingsAndAutoDeleteExchangesGoWithTheirLastBinding() {
        vhost.declareExchange("temp", ExchangeType.FANOUT, new ExchangeSettings(false, true, false, Map.of()));
        vhost.declareQueue("q", plainQueue());
        vhost.bindQueue("temp", "q", "", Map.of(), null);
        vhost.bindQueue("amq.direct", "q", "k", Map.of(), null);
        vhost.deleteQueue("q", null, false, false).join();
        assertTrue(vhost.exchange("amq.direct").bindings().isEmpty());
        assertNull(vhost.exchange("temp"), "auto-delete exchange outlived its last binding");
        assertTrue(vhost.exchange("amq.direct") != null, "built-in exchanges are never auto-deleted");
    }

    @Test
    void deletingADestinationRemovesExactlyTheBindingsStillLeadingToIt() {
        vhost.declareQueue("q", plainQueue());
        vhost.declareQueue("other", plainQueue());
        vhost.declareExchange("e2", ExchangeType.TOPIC, ExchangeSettings.plain());
        vhost.bindQueue("amq.topic", "q", "a.*", Map.of(), null);
        vhost.bindQueue("amq.topic", "q", "b.#", Map.of(), null);
        vhost.unbindQueue("amq.topic", "q", "a.*", Map.of(), null);
        vhost.bindQueue("amq.topic", "q", "a.*", Map.of(), null);
        vhost.bindQueue("amq.topic", "other", "a.*", Map.of(), null);
        vhost.bindExchange("amq.topic", "e2", "c.#", Map.of());
        vhost.bindQueue("e2", "q", "#", Map.of(), null);

        vhost.deleteQueue("q", null, false, false).join();
        assertEquals(Set.of("other a.*", "e2 c.#"), vhost.exchange("amq.topic").bindings().stream()
                .map(binding -> binding.destination().name() + " " + binding.routingKey())
                .collect(Collectors.toSet()));
        assertTrue(vhost.exchange("e2").bindings().isEmpty());

        vhost.deleteExchange("e2", false);
        assertEquals(1, vhost.exchange("amq.topic").bindings().size(), "the binding to e2 went with it");
    }
}
