package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.amqp.AmqpQueueFeaturesTest.deadLetterQueue;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TTL 0 and dead-lettering as RabbitMQ does them, over the RabbitMQ Java client. */
class AmqpTtlZeroAndDeadLetteringTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    private Channel channel() throws Exception {
        return broker.connect().createChannel();
    }

    private static GetResponse awaitGet(Channel channel, String queue) {
        return await().atMost(20, TimeUnit.SECONDS).until(() -> channel.basicGet(queue, true), Objects::nonNull);
    }

    /** Consumes with manual acks and the given prefetch; deliveries land in the returned queue. */
    private static BlockingQueue<Delivery> consume(Channel channel, String queue, int prefetch) throws Exception {
        BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
        channel.basicQos(prefetch);
        channel.basicConsume(queue, false, (tag, delivery) -> deliveries.add(delivery), tag -> { });
        return deliveries;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deaths(AMQP.BasicProperties properties) {
        return (List<Map<String, Object>>) properties.getHeaders().get("x-death");
    }

    private static AMQP.BasicProperties expiration(String millis) {
        return new AMQP.BasicProperties.Builder().expiration(millis).build();
    }

    @Test
    void aZeroQueueTtlMessageGoesToAConsumerThatCanTakeItAtOnce() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare("", false, true, true, Map.of("x-message-ttl", 0)).getQueue();
        BlockingQueue<Delivery> deliveries = consume(channel, queue, 10);

        channel.basicPublish("", queue, null, "now".getBytes());

        Delivery delivery = deliveries.poll(20, TimeUnit.SECONDS);
        assertNotNull(delivery, "a TTL 0 message with a consumer waiting was not delivered");
        assertEquals("now", new String(delivery.getBody()));
    }

    @Test
    void aZeroPerMessageTtlIsDeliveredToAWaitingConsumer() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        BlockingQueue<Delivery> deliveries = consume(channel, queue, 10);

        channel.basicPublish("", queue, expiration("0"), "now".getBytes());

        assertNotNull(deliveries.poll(20, TimeUnit.SECONDS), "an expiration 0 message was not delivered");
    }

    @Test
    void aZeroTtlMessageNoConsumerCanTakeExpiresAndIsDeadLettered() throws Exception {
        Channel channel = channel();
        String dead = deadLetterQueue(channel, "ttl0.dlx");
        String queue = channel.queueDeclare("", false, true, true,
                Map.of("x-message-ttl", 0, "x-dead-letter-exchange", "ttl0.dlx")).getQueue();
        BlockingQueue<Delivery> deliveries = consume(channel, queue, 1);
        channel.basicPublish("", queue, null, "taken".getBytes());
        assertNotNull(deliveries.poll(20, TimeUnit.SECONDS));

        channel.basicPublish("", queue, null, "no credit left".getBytes());

        GetResponse expired = awaitGet(channel, dead);
        assertEquals("no credit left", new String(expired.getBody()));
        assertEquals("expired", deaths(expired.getProps()).get(0).get("reason").toString());
        assertEquals(0, channel.queueDeclarePassive(queue).getMessageCount());
    }

    @Test
    void xDeathKeepsOneCountedEntryPerQueueAndReasonAndConvertsPerEventEntries() throws Exception {
        Channel channel = channel();
        // Rejected messages go back into the same queue through the default exchange.
        String queue = "deaths.retry";
        channel.queueDeclare(queue, false, false, true,
                Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", queue));
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("x-death", List.of(
                Map.of("queue", queue, "reason", "rejected", "exchange", ""),
                Map.of("queue", "elsewhere", "reason", "expired", "exchange", ""),
                Map.of("queue", queue, "reason", "rejected", "exchange", "")));
        channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().headers(headers).build(), "x".getBytes());

        for (int rejection = 0; rejection < 2; rejection++) {
            GetResponse got = await().atMost(20, TimeUnit.SECONDS).until(() -> channel.basicGet(queue, false),
                    Objects::nonNull);
            channel.basicReject(got.getEnvelope().getDeliveryTag(), false);
        }

        GetResponse last = awaitGet(channel, queue);
        List<Map<String, Object>> deaths = deaths(last.getProps());
        assertEquals(2, deaths.size(), deaths.toString());
        assertEquals(queue, deaths.get(0).get("queue").toString());
        assertEquals("rejected", deaths.get(0).get("reason").toString());
        assertEquals(4L, deaths.get(0).get("count"));
        assertEquals("elsewhere", deaths.get(1).get("queue").toString());
        assertEquals(1L, deaths.get(1).get("count"));
    }

    @Test
    void aDeadLetterRoutingKeyDropsCcWhileTheOriginalKeyKeepsIt() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("cc.dlx", BuiltinExchangeType.DIRECT, false, true, null);
        String renamed = channel.queueDeclare().getQueue();
        channel.queueBind(renamed, "cc.dlx", "renamed");
        String copied = channel.queueDeclare().getQueue();
        channel.queueBind(copied, "cc.dlx", "copied");
        String withKey = channel.queueDeclare("", false, true, true,
                Map.of("x-dead-letter-exchange", "cc.dlx", "x-dead-letter-routing-key", "renamed")).getQueue();
        AMQP.BasicProperties cc = new AMQP.BasicProperties.Builder().expiration("0")
                .headers(Map.of("CC", List.of("copied"))).build();

        channel.basicPublish("", withKey, cc, "renamed".getBytes());

        GetResponse dead = awaitGet(channel, renamed);
        assertFalse(dead.getProps().getHeaders().containsKey("CC"));
        assertEquals(List.of(withKey, "copied"), ((List<?>) deaths(dead.getProps()).get(0).get("routing-keys"))
                .stream().map(Object::toString).toList());
        assertEquals(0, channel.queueDeclarePassive(copied).getMessageCount());

        String keepsKey = channel.queueDeclare("", false, true, true,
                Map.of("x-dead-letter-exchange", "cc.dlx")).getQueue();
        channel.basicPublish("", keepsKey, cc, "kept".getBytes());
        assertEquals("kept", new String(awaitGet(channel, copied).getBody()));
    }

    @Test
    void messagesRequeuedIntoAFullDropHeadQueueDropTheOldest() throws Exception {
        Channel channel = channel();
        String dead = deadLetterQueue(channel, "requeue.dlx");
        String queue = channel.queueDeclare("", false, true, true,
                Map.of("x-max-length", 2, "x-dead-letter-exchange", "requeue.dlx")).getQueue();
        channel.basicPublish("", queue, null, "1".getBytes());
        channel.basicPublish("", queue, null, "2".getBytes());
        await().atMost(20, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive(queue).getMessageCount() == 2);
        channel.basicGet(queue, false);
        GetResponse second = channel.basicGet(queue, false);
        assertEquals("2", new String(second.getBody()));
        channel.basicPublish("", queue, null, "3".getBytes());
        channel.basicPublish("", queue, null, "4".getBytes());
        await().atMost(20, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive(queue).getMessageCount() == 2);

        channel.basicNack(second.getEnvelope().getDeliveryTag(), true, true);

        assertEquals("1", new String(awaitGet(channel, dead).getBody()));
        assertEquals("2", new String(awaitGet(channel, dead).getBody()));
        assertEquals(2, channel.queueDeclarePassive(queue).getMessageCount());
        assertEquals("3", new String(awaitGet(channel, queue).getBody()));
    }

    @Test
    void aFullRejectPublishDlxQueueKeepsWhatIsRequeuedAndDeadLettersNewMessagesUntilUnderItsLimit() throws Exception {
        Channel channel = channel();
        String dead = deadLetterQueue(channel, "reject.dlx");
        String queue = channel.queueDeclare("", false, true, true, Map.of("x-max-length", 2,
                "x-overflow", "reject-publish-dlx", "x-dead-letter-exchange", "reject.dlx")).getQueue();
        channel.confirmSelect();
        for (String text : List.of("1", "2", "3")) {
            channel.basicPublish("", queue, null, text.getBytes());
        }
        assertFalse(channel.waitForConfirms(20_000), "the refused third publish is nacked");
        GetResponse refused = awaitGet(channel, dead);
        assertEquals("3", new String(refused.getBody()));
        assertEquals("maxlen", deaths(refused.getProps()).get(0).get("reason").toString());

        GetResponse first = channel.basicGet(queue, false);
        channel.basicPublish("", queue, null, "4".getBytes());
        assertTrue(channel.waitForConfirms(20_000));
        channel.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
        await().atMost(20, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive(queue).getMessageCount() == 3);

        channel.basicPublish("", queue, null, "5".getBytes());
        assertFalse(channel.waitForConfirms(20_000), "over its limit after the requeue, the queue refuses");
        assertEquals("5", new String(awaitGet(channel, dead).getBody()));
        assertEquals(3, channel.queueDeclarePassive(queue).getMessageCount());
    }
}
