package dev.junction.core.queue;

import dev.junction.core.BrokerException;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.thread.Shard;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QueueLimitTest {
    private final Shard shard = new Shard("limit-shard");
    private final List<Queue> queues = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        queues.forEach(queue -> queue.delete().join());
        shard.close();
    }

    private Queue queue(Map<String, Object> arguments) {
        Queue queue = new Queue("q", new QueueSettings(false, null, false, arguments), shard);
        queues.add(queue);
        return queue;
    }

    private static Message message(String text, boolean persistent) {
        MessageProperties properties = persistent
                ? MessageProperties.EMPTY.withDeliveryMode(MessageProperties.PERSISTENT) : MessageProperties.EMPTY;
        return new Message("", "q", properties, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private static List<String> drain(Queue queue, int count) throws InterruptedException {
        RecordingConsumer consumer = new RecordingConsumer();
        queue.subscribe(consumer, new ConsumerOptions(0, true, false)).join();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Delivery delivery = consumer.take();
            texts.add(QueueTest.text(delivery));
            delivery.message().release();
        }
        return texts;
    }

    @Test
    void dropHeadKeepsTheNewestMessages() throws InterruptedException {
        Queue queue = queue(Map.of("x-max-length", 2));
        queue.enqueue(message("a", true));
        queue.enqueue(message("b", true));
        queue.enqueue(message("c", true));
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.droppedCount() == 1);
        assertEquals(List.of("b", "c"), drain(queue, 2));
    }

    @Test
    void dropTransientFirstShedsNonPersistentMessagesBeforePersistentOnes() throws InterruptedException {
        Queue queue = queue(Map.of("x-max-length", 3, "x-overflow", "drop-transient-first"));
        queue.enqueue(message("p1", true));
        queue.enqueue(message("t1", false));
        queue.enqueue(message("p2", true));
        queue.enqueue(message("t2", false));
        queue.enqueue(message("p3", true));
        queue.enqueue(message("p4", true));
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.droppedCount() == 3);
        assertEquals(List.of("p2", "p3", "p4"), drain(queue, 3));
        // The count is published when the queue's dispatch round ends, which may be after the consumer has all three.
        await().atMost(5, TimeUnit.SECONDS).until(() -> queue.readyCount() == 0);
    }

    @Test
    void badLimitArgumentsAreRefused() {
        assertThrows(BrokerException.class, () -> queue(Map.of("x-max-length", "ten")));
        assertThrows(BrokerException.class, () -> queue(Map.of("x-overflow", "reject-everything")));
    }
}
