package dev.junction.core.vhost;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.ConsumerOptions;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.FlowLimits;
import dev.junction.core.queue.PublisherFlow;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.queue.RecordingConsumer;
import dev.junction.core.queue.Subscription;
import dev.junction.core.store.MemoryStorage;
import dev.junction.core.thread.ShardGroup;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Queues holding their publishers back above the high-water mark, and letting them go below the low one. */
class QueueFlowTest {
    private final ShardGroup shards = new ShardGroup(2);
    private VirtualHost vhost;

    @AfterEach
    void stop() throws InterruptedException {
        for (Queue queue : List.copyOf(vhost.queues())) {
            vhost.deleteQueue(queue.name(), null, false, false).join();
        }
        shards.close();
    }

    private Queue queue(FlowLimits limits) {
        vhost = new VirtualHost("/", shards, new MemoryStorage(), limits);
        return vhost.declareQueue("work", new QueueSettings(false, null, false, Map.of()));
    }

    private void publish(String text, PublisherFlow publisher) {
        Message message = new Message("", "work", MessageProperties.EMPTY,
                Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        vhost.publish("", message).forEach(queue -> queue.throttle(publisher));
    }

    @Test
    void publisherIsBlockedOnceAboveTheHighMarkAndUnblockedBelowTheLowOne() throws InterruptedException {
        Queue work = queue(new FlowLimits(4, 0));
        RecordingConsumer slow = new RecordingConsumer();
        slow.setWritable(false);
        Subscription subscription = work.subscribe(slow, new ConsumerOptions(0, true, false)).join();
        CountingFlow publisher = new CountingFlow();
        for (int i = 0; i < 3; i++) {
            publish("m" + i, publisher);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> work.readyCount() == 3);
        assertFalse(work.isAboveHighWatermark(), "below the mark nothing is held back");
        publish("m3", publisher);
        await().atMost(Duration.ofSeconds(5)).until(work::isAboveHighWatermark);
        for (int i = 4; i < 8; i++) {
            publish("m" + i, publisher);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.blocked.get() == 1);
        assertEquals(1, publisher.blocks.get(), "blocked once however often it publishes meanwhile");

        slow.setWritable(true);
        subscription.resume();
        for (int i = 0; i < 8; i++) {
            Delivery delivery = slow.take();
            assertEquals("m" + i, delivery.message().body().toString(StandardCharsets.UTF_8));
            delivery.message().release();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.blocked.get() == 0);
        assertFalse(work.isAboveHighWatermark());
    }

    @Test
    void byteMarkHoldsBackToo() {
        Queue work = queue(new FlowLimits(0, 100));
        RecordingConsumer slow = new RecordingConsumer();
        slow.setWritable(false);
        work.subscribe(slow, new ConsumerOptions(0, true, false)).join();
        CountingFlow publisher = new CountingFlow();
        publish("x".repeat(60), publisher);
        publish("x".repeat(60), publisher);
        await().atMost(Duration.ofSeconds(5)).until(work::isAboveHighWatermark);
        publish("x", publisher);
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.blocked.get() == 1);
    }

    @Test
    void queueWithoutConsumersIsABufferNotABrake() {
        Queue work = queue(new FlowLimits(2, 0));
        CountingFlow publisher = new CountingFlow();
        for (int i = 0; i < 10; i++) {
            publish("m" + i, publisher);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> work.readyCount() == 10);
        assertFalse(work.isAboveHighWatermark());
        assertEquals(0, publisher.blocks.get());
    }

    @Test
    void lastConsumerLeavingOrDeletionLetsPublishersGo() {
        Queue work = queue(new FlowLimits(1, 0));
        RecordingConsumer slow = new RecordingConsumer();
        slow.setWritable(false);
        Subscription subscription = work.subscribe(slow, new ConsumerOptions(0, true, false)).join();
        CountingFlow publisher = new CountingFlow();
        publish("a", publisher);
        await().atMost(Duration.ofSeconds(5)).until(work::isAboveHighWatermark);
        publish("b", publisher);
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.blocked.get() == 1);
        subscription.cancel();
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.blocked.get() == 0);

        work.subscribe(slow, new ConsumerOptions(0, true, false)).join();
        await().atMost(Duration.ofSeconds(5)).until(work::isAboveHighWatermark);
        publish("c", publisher);
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.blocked.get() == 1);
        vhost.deleteQueue("work", null, false, false).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.blocked.get() == 0);
    }

    @Test
    void aQueuesOwnMarkHoldsPublishersBackBeforeItsBoundDropsAnything() {
        vhost = new VirtualHost("/", shards, new MemoryStorage(), new FlowLimits(5000, 0));
        Queue session = vhost.declareQueue("work", new QueueSettings(false, null, false, Map.of(
                "x-max-length", 10, "x-overflow", "drop-transient-first", "x-flow-high-watermark", 5)));
        RecordingConsumer slow = new RecordingConsumer();
        slow.setWritable(false);
        session.subscribe(slow, new ConsumerOptions(0, true, false)).join();
        CountingFlow publisher = new CountingFlow();
        for (int i = 0; i < 5; i++) {
            publish("m" + i, publisher);
        }
        // Its own mark, far below the broker-wide one of 5000.
        await().atMost(Duration.ofSeconds(5)).until(session::isAboveHighWatermark);
        publish("m5", publisher);
        await().atMost(Duration.ofSeconds(5)).until(() -> publisher.blocked.get() == 1);
        assertEquals(0, session.droppedCount(), "nothing dropped: the publisher was held back first");
    }

    @Test
    void aQueueWithItsOwnMarkKeepsWhatOvershootsItsBoundWhileAConsumerIsOnline() {
        vhost = new VirtualHost("/", shards, new MemoryStorage(), new FlowLimits(5000, 0));
        Queue session = vhost.declareQueue("work", new QueueSettings(false, null, false, Map.of(
                "x-max-length", 10, "x-overflow", "drop-transient-first", "x-flow-high-watermark", 5)));
        RecordingConsumer slow = new RecordingConsumer();
        slow.setWritable(false);
        Subscription subscription = session.subscribe(slow, new ConsumerOptions(0, true, false)).join();
        CountingFlow publisher = new CountingFlow();
        // What publishers sent before the hold reached them (a read batch, the inbox) goes past the bound.
        for (int i = 0; i < 30; i++) {
            publish("m" + i, publisher);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> session.readyCount() == 30);
        assertEquals(0, session.droppedCount(), "held, not dropped, while its consumer is online");
        assertEquals(1, session.consumerCount());

        slow.setOnline(false);
        subscription.resume();
        await().atMost(Duration.ofSeconds(10)).until(() -> session.consumerCount() == 0);
        publish("m30", publisher);
        await().atMost(Duration.ofSeconds(10)).until(() -> session.droppedCount() == 21);
        assertEquals(10, session.readyCount(), "offline, the bound applies again");
    }

    @Test
    void aQueueWhoseOwnMarkIsZeroNeverHoldsPublishersBack() {
        vhost = new VirtualHost("/", shards, new MemoryStorage(), new FlowLimits(2, 0));
        Queue session = vhost.declareQueue("work", new QueueSettings(false, null, false, Map.of(
                "x-max-length", 5, "x-overflow", "drop-transient-first", "x-flow-high-watermark", 0)));
        RecordingConsumer slow = new RecordingConsumer();
        slow.setWritable(false);
        session.subscribe(slow, new ConsumerOptions(0, true, false)).join();
        CountingFlow publisher = new CountingFlow();
        for (int i = 0; i < 8; i++) {
            publish("m" + i, publisher);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> session.droppedCount() == 3);
        assertFalse(session.isAboveHighWatermark());
        assertEquals(0, publisher.blocks.get());
    }

    private static final class CountingFlow implements PublisherFlow {
        final AtomicInteger blocked = new AtomicInteger();
        final AtomicInteger blocks = new AtomicInteger();

        @Override
        public void block() {
            blocks.incrementAndGet();
            blocked.incrementAndGet();
        }

        @Override
        public void unblock() {
            blocked.decrementAndGet();
        }
    }
}
