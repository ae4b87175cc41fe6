package dev.junction.core.vhost;

import dev.junction.core.BrokerException;
import dev.junction.core.ErrorKind;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.ConsumerOptions;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Overflow;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.queue.RecordingConsumer;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link VirtualHost#overrideLimits}: a live queue's limits change at once, the declared arguments stay. */
class QueueLimitOverrideTest {
    @RegisterExtension
    final TestVirtualHost test = new TestVirtualHost(2);
    private final VirtualHost vhost = test.vhost();

    private Queue queue(String name, Map<String, Object> arguments) {
        return vhost.declareQueue(name, new QueueSettings(false, null, false, arguments));
    }

    /** Publishes to the default exchange; completes with whether the queue took the message. */
    private CompletableFuture<Boolean> publish(String queue, String text) {
        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        vhost.publish("", new Message("", queue, MessageProperties.EMPTY,
                Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)), taken::complete);
        return taken;
    }

    private void fill(String queue, int count) throws Exception {
        for (int i = 1; i <= count; i++) {
            assertTrue(publish(queue, "m" + i).get(5, TimeUnit.SECONDS));
        }
    }

    private static List<String> drain(Queue queue, int count) throws InterruptedException {
        RecordingConsumer consumer = new RecordingConsumer();
        queue.subscribe(consumer, new ConsumerOptions(0, true, false)).join();
        List<Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            deliveries.add(consumer.take());
        }
        List<String> texts = new ArrayList<>();
        for (Delivery delivery : deliveries) {
            texts.add(delivery.message().body().toString(StandardCharsets.UTF_8));
            delivery.message().release();
        }
        return texts;
    }

    @Test
    void loweringMaxLengthBelowTheDepthDropsFromTheHead() throws Exception {
        Queue work = queue("work", Map.of("x-max-length", 10));
        fill("work", 10);
        vhost.overrideLimits("work", Map.of("x-max-length", 3)).get(5, TimeUnit.SECONDS);
        assertEquals(3, work.readyCount());
        assertEquals(7, work.droppedCount());
        assertEquals(3L, work.arguments().maxLength());
        assertEquals(10, work.settings().arguments().get("x-max-length"), "the declaration is kept as it was");
        assertEquals(List.of("m8", "m9", "m10"), drain(work, 3));
    }

    @Test
    void loweringMaxLengthWithRejectPublishKeepsWhatIsQueuedAndRefusesNewMessages() throws Exception {
        Queue work = queue("work", Map.of("x-max-length", 10, "x-overflow", "reject-publish"));
        fill("work", 10);
        vhost.overrideLimits("work", Map.of("x-max-length", 3)).get(5, TimeUnit.SECONDS);
        assertEquals(10, work.readyCount(), "RabbitMQ drops nothing under reject-publish when the limit is lowered");
        assertFalse(publish("work", "refused").get(5, TimeUnit.SECONDS));
        vhost.overrideLimits("work", Map.of("x-max-length", 20)).get(5, TimeUnit.SECONDS);
        assertTrue(publish("work", "taken").get(5, TimeUnit.SECONDS));
        assertEquals(11, work.readyCount());
    }

    @Test
    void droppedMessagesAreDeadLetteredWithTheQueuesOwnHeaders() throws Exception {
        Queue dead = queue("dead", Map.of());
        vhost.bindQueue("amq.fanout", "dead", "", Map.of(), null);
        Queue work = queue("work", Map.of("x-max-length", 10));
        fill("work", 5);
        vhost.overrideLimits("work", Map.of("x-max-length", 2, "x-dead-letter-exchange", "amq.fanout",
                "x-dead-letter-headers", Map.of("x-owner", "client-7"))).get(5, TimeUnit.SECONDS);
        assertEquals(2, work.readyCount());
        RecordingConsumer consumer = new RecordingConsumer();
        dead.subscribe(consumer, new ConsumerOptions(0, true, false)).join();
        for (String expected : List.of("m1", "m2", "m3")) {
            Delivery delivery = consumer.take();
            Message message = delivery.message();
            assertEquals(expected, message.body().toString(StandardCharsets.UTF_8));
            assertEquals("maxlen", message.properties().header("x-first-death-reason"));
            assertEquals("client-7", message.properties().header("x-owner"));
            message.release();
        }
    }

    @Test
    void aVoidOverrideRemovesADeclaredLimitAndNoOverridesRestoreTheDeclaration() throws Exception {
        Queue work = queue("work", Map.of("x-max-length", 2, "x-overflow", "reject-publish"));
        Map<String, Object> unbounded = new HashMap<>();
        unbounded.put("x-max-length", null);
        vhost.overrideLimits("work", unbounded).get(5, TimeUnit.SECONDS);
        assertNull(work.arguments().maxLength());
        fill("work", 5);
        vhost.overrideLimits("work", Map.of()).get(5, TimeUnit.SECONDS);
        assertEquals(2L, work.arguments().maxLength());
        assertEquals(Overflow.REJECT_PUBLISH, work.arguments().overflow());
        assertTrue(work.limitOverrides().isEmpty());
        assertFalse(publish("work", "refused").get(5, TimeUnit.SECONDS));
    }

    @Test
    void onlyLimitsChangeAndTheyAreCheckedAsADeclarationIs() {
        queue("work", Map.of());
        BrokerException notALimit = assertThrows(BrokerException.class,
                () -> vhost.overrideLimits("work", Map.of("x-max-priority", 5)));
        assertEquals(ErrorKind.PRECONDITION_FAILED, notALimit.kind());
        BrokerException negative = assertThrows(BrokerException.class,
                () -> vhost.overrideLimits("work", Map.of("x-max-length", -1)));
        assertEquals(ErrorKind.PRECONDITION_FAILED, negative.kind());
        BrokerException missing = assertThrows(BrokerException.class,
                () -> vhost.overrideLimits("nowhere", Map.of("x-max-length", 1)));
        assertEquals(ErrorKind.NOT_FOUND, missing.kind());
    }
}
