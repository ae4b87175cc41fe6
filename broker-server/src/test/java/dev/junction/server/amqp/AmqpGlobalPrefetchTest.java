package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * basic.qos global=true is one limit for the whole channel, exactly, even while queues owned by different shard
 * threads deliver to it at the same moment.
 */
class AmqpGlobalPrefetchTest {
    /** Queue names spread over the broker's two shards; with eight, both shards own some. */
    private static final int QUEUES = 8;
    private static final int MESSAGES_PER_QUEUE = 300;

    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void unackedDeliveriesNeverExceedTheChannelWideLimit(int limit) throws Exception {
        Connection connection = broker.connect();
        Channel setup = connection.createChannel();
        Channel consuming = connection.createChannel();
        consuming.basicQos(limit, true);
        AtomicInteger unacked = new AtomicInteger();
        AtomicInteger mostUnacked = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        LinkedBlockingQueue<Long> toAck = new LinkedBlockingQueue<>();
        DefaultConsumer consumer = new DefaultConsumer(consuming) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                                       byte[] body) {
                mostUnacked.accumulateAndGet(unacked.incrementAndGet(), Math::max);
                received.incrementAndGet();
                toAck.add(envelope.getDeliveryTag());
            }
        };
        for (int q = 0; q < QUEUES; q++) {
            String queue = "prefetch-" + limit + "-" + q;
            setup.queueDeclare(queue, false, false, true, null);
            consuming.basicConsume(queue, false, consumer);
        }
        // Every queue has a backlog, so every shard is trying to deliver whenever one ack frees a slot.
        for (int i = 0; i < MESSAGES_PER_QUEUE; i++) {
            for (int q = 0; q < QUEUES; q++) {
                setup.basicPublish("", "prefetch-" + limit + "-" + q, null,
                        ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        int total = QUEUES * MESSAGES_PER_QUEUE;
        for (int acked = 0; acked < total; acked++) {
            Long tag = toAck.poll(5, TimeUnit.SECONDS);
            assertNotNull(tag, "delivery stalled after " + acked + " acks");
            if (ThreadLocalRandom.current().nextInt(4) == 0) {
                // Not synchronisation: now and then a pause before acking, for an overshoot to show if there is one.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            unacked.decrementAndGet();
            consuming.basicAck(tag, false);
        }
        assertEquals(total, received.get());
        assertTrue(mostUnacked.get() <= limit, "saw " + mostUnacked.get() + " unacked with a limit of " + limit);
        assertEquals(limit, mostUnacked.get(), "the limit is also reached");
    }
}
