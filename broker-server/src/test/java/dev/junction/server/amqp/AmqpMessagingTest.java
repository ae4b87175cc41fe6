package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.amqp.AmqpTopologyTest.replyCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** basic.*: publishing, consuming, getting and settling, over real sockets with the RabbitMQ Java client. */
class AmqpMessagingTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension(
            AmqpSettings.defaults().withMaxMessageSize(1024 * 1024));

    private Channel channel() throws Exception {
        return broker.connect().createChannel();
    }

    private static String text(Delivery delivery) {
        return new String(delivery.getBody(), StandardCharsets.UTF_8);
    }

    private static BlockingQueue<Delivery> consume(Channel channel, String queue, boolean autoAck) throws IOException {
        BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        channel.basicConsume(queue, autoAck, (tag, delivery) -> received.add(delivery), tag -> { });
        return received;
    }

    private static Delivery next(BlockingQueue<Delivery> received) throws InterruptedException {
        Delivery delivery = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(delivery, "nothing delivered within 5 s");
        return delivery;
    }

    @Test
    void propertiesAndBodyArriveIntact() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        BlockingQueue<Delivery> received = consume(channel, queue, true);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("text/plain")
                .contentEncoding("utf-8").headers(Map.of("k", "v", "n", 42)).deliveryMode(2).priority(3)
                .correlationId("c-1").replyTo("r").expiration("60000").messageId("m-1")
                .timestamp(java.util.Date.from(Instant.ofEpochSecond(1_700_000_000))).type("t").userId("guest")
                .appId("a").clusterId("cl").build();
        channel.basicPublish("", queue, properties, "hello".getBytes(StandardCharsets.UTF_8));
        Delivery delivery = next(received);
        assertEquals("hello", text(delivery));
        AMQP.BasicProperties got = delivery.getProperties();
        assertEquals("text/plain", got.getContentType());
        assertEquals("utf-8", got.getContentEncoding());
        assertEquals("v", got.getHeaders().get("k").toString());
        assertEquals(42, got.getHeaders().get("n"));
        assertEquals(2, got.getDeliveryMode());
        assertEquals(3, got.getPriority());
        assertEquals("c-1", got.getCorrelationId());
        assertEquals("r", got.getReplyTo());
        assertEquals("60000", got.getExpiration());
        assertEquals("m-1", got.getMessageId());
        assertEquals(1_700_000_000_000L, got.getTimestamp().getTime());
        assertEquals("t", got.getType());
        assertEquals("guest", got.getUserId());
        assertEquals("a", got.getAppId());
        assertEquals("cl", got.getClusterId());
        assertEquals("", delivery.getEnvelope().getExchange());
        assertEquals(queue, delivery.getEnvelope().getRoutingKey());
        assertFalse(delivery.getEnvelope().isRedeliver());
    }

    @Test
    void largeBodiesCrossManyFramesAndEmptyBodiesWork() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        BlockingQueue<Delivery> received = consume(channel, queue, true);
        byte[] large = new byte[700_000];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        channel.basicPublish("", queue, null, large);
        channel.basicPublish("", queue, null, new byte[0]);
        assertArrayEquals(large, next(received).getBody());
        assertEquals(0, next(received).getBody().length);
    }

    @Test
    void messagesOverTheMaximumSizeAre406() throws Exception {
        Channel channel = channel();
        channel.basicPublish("", "anything", null, new byte[1024 * 1024 + 1]);
        Exception closed = assertThrows(Exception.class, channel::queueDeclare);
        assertEquals(406, replyCode(closed));
        // The close may arrive before queue.declare is sent (AlreadyClosedException) or answer it (IOException):
        // the channel's close reason holds the text either way.
        String text = ((AMQP.Channel.Close) channel.getCloseReason().getReason()).getReplyText();
        assertTrue(text.contains("message size 1048577 is larger than configured max size 1048576"), text);
        // The refused body was dropped frame by frame; the connection and its other channels carry on.
        Channel other = channel.getConnection().createChannel();
        String queue = other.queueDeclare().getQueue();
        other.basicPublish("", queue, null, new byte[1024 * 1024]);
        await().atMost(5, TimeUnit.SECONDS).until(() -> other.messageCount(queue) == 1);
    }

    @Test
    void invalidExpirationIs406() throws Exception {
        Channel channel = channel();
        channel.basicPublish("", "anything", new AMQP.BasicProperties.Builder().expiration("soon").build(),
                new byte[1]);
        assertEquals(406, replyCode(assertThrows(Exception.class, channel::queueDeclare)));
    }

    @Test
    void mandatoryUnroutableMessagesComeBackAs312() throws Exception {
        Channel channel = channel();
        BlockingQueue<String> returns = new LinkedBlockingQueue<>();
        channel.addReturnListener(r -> returns.add(r.getReplyCode() + " " + r.getReplyText() + " "
                + r.getExchange() + " " + r.getRoutingKey() + " " + new String(r.getBody())));
        channel.basicPublish("amq.direct", "nobody", true, null, "lost".getBytes());
        assertEquals("312 NO_ROUTE amq.direct nobody lost", returns.poll(5, TimeUnit.SECONDS));
        channel.basicPublish("amq.direct", "nobody", false, null, "dropped".getBytes());
        String queue = channel.queueDeclare().getQueue();
        channel.basicPublish("", queue, true, null, "routed".getBytes());
        assertNotNull(await().atMost(5, TimeUnit.SECONDS).until(() -> channel.basicGet(queue, true),
                Objects::nonNull));
        assertNull(returns.poll(200, TimeUnit.MILLISECONDS), "only the mandatory unroutable one returns");
    }

    @Test
    void immediateIsNotImplemented() throws Exception {
        Channel channel = channel();
        channel.basicPublish("", "q", false, true, null, new byte[0]);
        Exception closed = assertThrows(Exception.class, channel::queueDeclare);
        assertEquals(540, replyCode(closed));
    }

    @Test
    void workIsSharedRoundRobinAndAckedMessagesAreGone() throws Exception {
        Channel channel = channel();
        // Not auto-delete: the queue must outlive its consumers here.
        String queue = channel.queueDeclare("", false, true, false, null).getQueue();
        Channel first = channel.getConnection().createChannel();
        Channel second = channel.getConnection().createChannel();
        BlockingQueue<Delivery> a = consume(first, queue, false);
        BlockingQueue<Delivery> b = consume(second, queue, false);
        for (int i = 0; i < 4; i++) {
            channel.basicPublish("", queue, null, ("m" + i).getBytes());
        }
        for (int i = 0; i < 2; i++) {
            first.basicAck(next(a).getEnvelope().getDeliveryTag(), false);
            second.basicAck(next(b).getEnvelope().getDeliveryTag(), false);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive(queue).getMessageCount() == 0);
        first.close();
        second.close();
        assertNull(channel.basicGet(queue, false), "acknowledged messages are not redelivered");
    }

    @Test
    void prefetchLimitsUnackedDeliveriesPerConsumer() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        for (int i = 0; i < 5; i++) {
            channel.basicPublish("", queue, null, ("m" + i).getBytes());
        }
        channel.basicQos(2);
        BlockingQueue<Delivery> received = consume(channel, queue, false);
        next(received);
        Delivery second = next(received);
        assertNull(received.poll(200, TimeUnit.MILLISECONDS), "a third delivery exceeds prefetch 2");
        channel.basicAck(second.getEnvelope().getDeliveryTag(), true);
        next(received);
        next(received);
        assertNull(received.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void globalPrefetchIsSharedByTheChannelsConsumers() throws Exception {
        Channel channel = channel();
        // One queue, so that one shard hands out all deliveries: across queues the limit is approximate.
        String queue = channel.queueDeclare().getQueue();
        for (int i = 0; i < 6; i++) {
            channel.basicPublish("", queue, null, new byte[] {(byte) i});
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive(queue).getMessageCount() == 6);
        channel.basicQos(3, true);
        BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        channel.basicConsume(queue, false, (t, d) -> received.add(d), t -> { });
        channel.basicConsume(queue, false, (t, d) -> received.add(d), t -> { });
        for (int i = 0; i < 3; i++) {
            next(received);
        }
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "three unacked on the channel is the limit");
        channel.basicAck(0, true);
        for (int i = 0; i < 3; i++) {
            next(received);
        }
    }

    @Test
    void rejectAndNackWithRequeueRedeliverMarkedRedelivered() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        BlockingQueue<Delivery> received = consume(channel, queue, false);
        channel.basicPublish("", queue, null, "again".getBytes());
        Delivery first = next(received);
        assertFalse(first.getEnvelope().isRedeliver());
        channel.basicReject(first.getEnvelope().getDeliveryTag(), true);
        Delivery second = next(received);
        assertEquals("again", text(second));
        assertTrue(second.getEnvelope().isRedeliver());
        channel.basicNack(second.getEnvelope().getDeliveryTag(), false, true);
        Delivery third = next(received);
        assertTrue(third.getEnvelope().isRedeliver());
        channel.basicNack(third.getEnvelope().getDeliveryTag(), false, false);
        assertNull(received.poll(200, TimeUnit.MILLISECONDS), "nack without requeue drops it");
    }

    @Test
    void nackMultipleSettlesEverythingUpToTheTag() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        channel.basicQos(10);
        BlockingQueue<Delivery> received = consume(channel, queue, false);
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", queue, null, ("m" + i).getBytes());
        }
        next(received);
        next(received);
        Delivery third = next(received);
        channel.basicNack(third.getEnvelope().getDeliveryTag(), true, true);
        for (int i = 0; i < 3; i++) {
            Delivery again = next(received);
            assertEquals("m" + i, text(again), "requeued messages keep their order");
            assertTrue(again.getEnvelope().isRedeliver());
        }
    }

    @Test
    void unackedMessagesAreRequeuedWhenTheChannelCloses() throws Exception {
        Connection connection = broker.connect();
        Channel setup = connection.createChannel();
        String queue = setup.queueDeclare("requeue-on-close", false, true, false, null).getQueue();
        Channel consumer = connection.createChannel();
        BlockingQueue<Delivery> received = consume(consumer, queue, false);
        setup.basicPublish("", queue, null, "unacked".getBytes());
        next(received);
        consumer.close();
        GetResponse again = await().atMost(5, TimeUnit.SECONDS).until(() -> setup.basicGet(queue, true),
                Objects::nonNull);
        assertEquals("unacked", new String(again.getBody()));
        assertTrue(again.getEnvelope().isRedeliver());
    }

    @Test
    void unackedMessagesAreRequeuedWhenTheConnectionCloses() throws Exception {
        Channel setup = channel();
        setup.queueDeclare("requeue-on-disconnect", false, false, false, null);
        Connection consumerConnection = broker.connect();
        Channel consumer = consumerConnection.createChannel();
        BlockingQueue<Delivery> received = consume(consumer, "requeue-on-disconnect", false);
        setup.basicPublish("", "requeue-on-disconnect", null, "unacked".getBytes());
        next(received);
        consumerConnection.abort();
        GetResponse again = await().atMost(5, TimeUnit.SECONDS)
                .until(() -> setup.basicGet("requeue-on-disconnect", true), Objects::nonNull);
        assertTrue(again.getEnvelope().isRedeliver());
        setup.queueDelete("requeue-on-disconnect");
    }

    @Test
    void basicGetReturnsOneMessageWithTheRemainingCount() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        assertNull(channel.basicGet(queue, false), "get-empty");
        channel.basicPublish("", queue, null, "1".getBytes());
        channel.basicPublish("", queue, null, "2".getBytes());
        await().atMost(5, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive(queue).getMessageCount() == 2);
        GetResponse first = channel.basicGet(queue, false);
        assertEquals("1", new String(first.getBody()));
        assertEquals(1, first.getMessageCount());
        channel.basicReject(first.getEnvelope().getDeliveryTag(), true);
        GetResponse again = channel.basicGet(queue, false);
        assertEquals("1", new String(again.getBody()));
        assertTrue(again.getEnvelope().isRedeliver());
        channel.basicAck(again.getEnvelope().getDeliveryTag(), false);
    }

    @Test
    void recoverRedeliversEverythingUnacked() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        BlockingQueue<Delivery> received = consume(channel, queue, false);
        channel.basicPublish("", queue, null, "x".getBytes());
        next(received);
        channel.basicRecover(true);
        Delivery again = next(received);
        assertTrue(again.getEnvelope().isRedeliver());
    }

    @Test
    void cancelStopsDeliveries() throws Exception {
        Channel channel = channel();
        // Not auto-delete: the queue must outlive its consumers here.
        String queue = channel.queueDeclare("", false, true, false, null).getQueue();
        BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        String tag = channel.basicConsume(queue, true, (t, d) -> received.add(d), t -> { });
        assertTrue(tag.startsWith("amq.ctag-"), tag);
        channel.basicCancel(tag);
        channel.basicPublish("", queue, null, "after".getBytes());
        assertNull(received.poll(200, TimeUnit.MILLISECONDS));
        assertNotNull(channel.basicGet(queue, true));
    }

    @Test
    void deletingTheQueueCancelsItsConsumers() throws Exception {
        Channel channel = channel();
        channel.queueDeclare("doomed", false, false, false, null);
        BlockingQueue<String> cancelled = new LinkedBlockingQueue<>();
        CancelCallback onCancel = cancelled::add;
        String tag = channel.basicConsume("doomed", true, (t, d) -> { }, onCancel);
        Channel other = channel();
        other.queueDelete("doomed");
        assertEquals(tag, cancelled.poll(5, TimeUnit.SECONDS));
        assertTrue(channel.isOpen());
    }

    @Test
    void exclusiveConsumersAre403ForOthers() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare("shared-once", false, false, true, null).getQueue();
        channel.basicConsume(queue, true, "", false, true, null, (t, d) -> { }, t -> { });
        Channel other = channel();
        IOException refused = assertThrows(IOException.class,
                () -> other.basicConsume(queue, true, (t, d) -> { }, t -> { }));
        assertEquals(403, replyCode(refused));
    }

    @Test
    void consumersWithHigherPriorityGoFirst() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        Channel lowChannel = channel.getConnection().createChannel();
        Channel highChannel = channel.getConnection().createChannel();
        BlockingQueue<Delivery> low = new LinkedBlockingQueue<>();
        BlockingQueue<Delivery> high = new LinkedBlockingQueue<>();
        lowChannel.basicConsume(queue, true, Map.of("x-priority", 1), (t, d) -> low.add(d), t -> { });
        highChannel.basicConsume(queue, true, Map.of("x-priority", 10), (t, d) -> high.add(d), t -> { });
        for (int i = 0; i < 5; i++) {
            channel.basicPublish("", queue, null, new byte[] {(byte) i});
        }
        for (int i = 0; i < 5; i++) {
            next(high);
        }
        assertTrue(low.isEmpty(), "the low-priority consumer only gets what the high one cannot take");
    }

    @Test
    void bodiesAreNotCorruptedUnderLoad() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        BlockingQueue<Delivery> received = consume(channel, queue, true);
        Channel publisher = channel();
        int count = 2000;
        for (int i = 0; i < count; i++) {
            byte[] body = new byte[100 + i % 5000];
            Arrays.fill(body, (byte) i);
            publisher.basicPublish("", queue, null, body);
        }
        for (int i = 0; i < count; i++) {
            byte[] body = next(received).getBody();
            assertEquals(100 + i % 5000, body.length);
            assertEquals((byte) i, body[body.length - 1]);
        }
    }
}
