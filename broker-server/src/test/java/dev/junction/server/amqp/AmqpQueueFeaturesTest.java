package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.amqp.AmqpTopologyTest.replyCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queue arguments and RabbitMQ extensions, end to end through the AMQP handler. */
class AmqpQueueFeaturesTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    private Channel channel() throws Exception {
        return broker.connect().createChannel();
    }

    private static GetResponse awaitGet(Channel channel, String queue) {
        return await().atMost(5, TimeUnit.SECONDS).until(() -> channel.basicGet(queue, true), Objects::nonNull);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstDeath(AMQP.BasicProperties properties) {
        return (Map<String, Object>) ((List<Object>) properties.getHeaders().get("x-death")).get(0);
    }

    /** A fanout dead-letter exchange with one queue behind it; returns the queue. */
    static String deadLetterQueue(Channel channel, String exchange) throws IOException {
        channel.exchangeDeclare(exchange, "fanout", false, true, null);
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, exchange, "");
        return queue;
    }

    @Test
    void rejectedMessagesAreDeadLetteredWithXDeath() throws Exception {
        Channel channel = channel();
        String dead = deadLetterQueue(channel, "dlx-rejected");
        String queue = channel.queueDeclare("", false, true, true,
                Map.of("x-dead-letter-exchange", "dlx-rejected", "x-dead-letter-routing-key", "failed")).getQueue();
        channel.basicPublish("", queue, null, "bad again".getBytes());
        GetResponse second = await().atMost(5, TimeUnit.SECONDS).until(() -> channel.basicGet(queue, false),
                Objects::nonNull);
        channel.basicReject(second.getEnvelope().getDeliveryTag(), false);
        GetResponse deadLettered = awaitGet(channel, dead);
        assertEquals("bad again", new String(deadLettered.getBody()));
        assertEquals("failed", deadLettered.getEnvelope().getRoutingKey());
        assertEquals("dlx-rejected", deadLettered.getEnvelope().getExchange());
        Map<String, Object> death = firstDeath(deadLettered.getProps());
        assertEquals("rejected", death.get("reason").toString());
        assertEquals(queue, death.get("queue").toString());
        assertEquals(1L, death.get("count"));
        assertEquals("", death.get("exchange").toString());
        assertEquals(List.of(queue), ((List<?>) death.get("routing-keys")).stream().map(Object::toString).toList());
        assertNotNull(death.get("time"));
        assertEquals("rejected", deadLettered.getProps().getHeaders().get("x-first-death-reason").toString());
    }

    @Test
    void expiredMessagesAreDeadLettered() throws Exception {
        Channel channel = channel();
        String dead = deadLetterQueue(channel, "dlx-expired");
        String queue = channel.queueDeclare("", false, true, true,
                Map.of("x-message-ttl", 50, "x-dead-letter-exchange", "dlx-expired")).getQueue();
        channel.basicPublish("", queue, null, "stale".getBytes());
        channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().expiration("10").build(),
                "per-message".getBytes());
        GetResponse first = awaitGet(channel, dead);
        GetResponse second = awaitGet(channel, dead);
        assertEquals("stale", new String(first.getBody()));
        assertEquals("expired", firstDeath(first.getProps()).get("reason").toString());
        assertEquals("10", firstDeath(second.getProps()).get("original-expiration").toString());
        assertNull(second.getProps().getExpiration());
    }

    @Test
    void perMessageTtlDropsWithoutADeadLetterExchange() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().expiration("0").build(), "x".getBytes());
        channel.basicPublish("", queue, null, "kept".getBytes());
        assertEquals("kept", new String(awaitGet(channel, queue).getBody()));
    }

    @Test
    void maxLengthDropsTheOldestAndDeadLettersIt() throws Exception {
        Channel channel = channel();
        String dead = deadLetterQueue(channel, "dlx-maxlen");
        String queue = channel.queueDeclare("", false, true, true,
                Map.of("x-max-length", 2, "x-dead-letter-exchange", "dlx-maxlen")).getQueue();
        for (String text : List.of("1", "2", "3")) {
            channel.basicPublish("", queue, null, text.getBytes());
        }
        GetResponse dropped = awaitGet(channel, dead);
        assertEquals("1", new String(dropped.getBody()));
        assertEquals("maxlen", firstDeath(dropped.getProps()).get("reason").toString());
        assertEquals(2, channel.queueDeclarePassive(queue).getMessageCount());
    }

    @Test
    void maxLengthBytesLimitsTheReadyBytes() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare("", false, true, true, Map.of("x-max-length-bytes", 10)).getQueue();
        for (int i = 0; i < 5; i++) {
            channel.basicPublish("", queue, null, new byte[4]);
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive(queue).getMessageCount() == 2);
    }

    @Test
    void priorityQueuesDeliverHigherPrioritiesFirst() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare("", false, true, true, Map.of("x-max-priority", 10)).getQueue();
        for (int priority : new int[] {1, 5, 9, 3}) {
            channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().priority(priority).build(),
                    new byte[] {(byte) priority});
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive(queue).getMessageCount() == 4);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            order.add((int) channel.basicGet(queue, true).getBody()[0]);
        }
        assertEquals(List.of(9, 5, 3, 1), order);
    }

    @Test
    void singleActiveConsumerDeliversToOneConsumerOnly() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare("sac", false, false, false,
                Map.of("x-single-active-consumer", true)).getQueue();
        Channel firstChannel = channel.getConnection().createChannel();
        BlockingQueue<Delivery> first = new LinkedBlockingQueue<>();
        BlockingQueue<Delivery> second = new LinkedBlockingQueue<>();
        String firstTag = firstChannel.basicConsume(queue, true, (t, d) -> first.add(d), t -> { });
        channel.basicConsume(queue, true, (t, d) -> second.add(d), t -> { });
        for (int i = 0; i < 4; i++) {
            channel.basicPublish("", queue, null, new byte[] {(byte) i});
        }
        for (int i = 0; i < 4; i++) {
            assertNotNull(first.poll(5, TimeUnit.SECONDS));
        }
        assertTrue(second.isEmpty());
        firstChannel.basicCancel(firstTag);
        channel.basicPublish("", queue, null, new byte[] {9});
        assertNotNull(second.poll(5, TimeUnit.SECONDS), "the next consumer takes over");
        channel.queueDelete(queue);
    }

    @Test
    void unusedQueuesExpire() throws Exception {
        Channel channel = channel();
        channel.queueDeclare("short-lived", false, false, false, Map.of("x-expires", 100));
        Channel probe = channel();
        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.broker().virtualHost("/").queue("short-lived") == null);
        assertEquals(404, replyCode(assertThrows(IOException.class, () -> probe.queueDeclarePassive("short-lived"))));
    }

    @Test
    void alternateExchangeTakesUnroutableMessages() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("ae-leftovers", "fanout", false, true, null);
        String leftovers = channel.queueDeclare().getQueue();
        channel.queueBind(leftovers, "ae-leftovers", "");
        channel.exchangeDeclare("ae-main", "direct", false, true, Map.of("alternate-exchange", "ae-leftovers"));
        String bound = channel.queueDeclare().getQueue();
        channel.queueBind(bound, "ae-main", "known");
        channel.basicPublish("ae-main", "unknown", true, null, "stray".getBytes());
        assertEquals("stray", new String(awaitGet(channel, leftovers).getBody()));
    }

    @Test
    void directReplyToNeedsNoReplyQueue() throws Exception {
        Channel server = channel();
        String requests = server.queueDeclare().getQueue();
        server.basicConsume(requests, true, (tag, request) -> {
            String replyTo = request.getProperties().getReplyTo();
            server.basicPublish("", replyTo, new AMQP.BasicProperties.Builder()
                    .correlationId(request.getProperties().getCorrelationId()).build(),
                    ("echo " + new String(request.getBody())).getBytes());
        }, tag -> { });
        Channel client = channel();
        BlockingQueue<Delivery> replies = new LinkedBlockingQueue<>();
        client.basicConsume("amq.rabbitmq.reply-to", true, (tag, reply) -> replies.add(reply), tag -> { });
        client.basicPublish("", requests, new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to")
                .correlationId("42").build(), "ping".getBytes());
        Delivery reply = replies.poll(5, TimeUnit.SECONDS);
        assertNotNull(reply);
        assertEquals("echo ping", new String(reply.getBody()));
        assertEquals("42", reply.getProperties().getCorrelationId());
    }

    @Test
    void directReplyToRefusesAcknowledgingConsumersAndPublishersWithoutOne() throws Exception {
        Channel channel = channel();
        assertEquals(406, replyCode(assertThrows(IOException.class,
                () -> channel.basicConsume("amq.rabbitmq.reply-to", false, (t, d) -> { }, t -> { }))));
        Channel publisher = channel();
        publisher.basicPublish("", "anything", new AMQP.BasicProperties.Builder()
                .replyTo("amq.rabbitmq.reply-to").build(), new byte[0]);
        assertEquals(406, replyCode(assertThrows(Exception.class, publisher::queueDeclare)));
    }
}
