package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RabbitMQ's sender-selected distribution: the CC and BCC headers add routing keys to a publish. */
class AmqpSenderSelectedDistributionTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    private Channel confirmingChannel() throws Exception {
        Channel channel = broker.connect().createChannel();
        channel.confirmSelect();
        return channel;
    }

    private static String boundQueue(Channel channel, String exchange, String... keys) throws Exception {
        String queue = channel.queueDeclare().getQueue();
        for (String key : keys) {
            channel.queueBind(queue, exchange, key);
        }
        return queue;
    }

    /** Publishes and waits for the confirm, so every queue the message reached holds it. */
    private static void publish(Channel channel, String exchange, String routingKey, Map<String, Object> headers)
            throws Exception {
        channel.basicPublish(exchange, routingKey, new AMQP.BasicProperties.Builder().headers(headers).build(),
                routingKey.getBytes());
        assertTrue(channel.waitForConfirms(20_000));
    }

    private static GetResponse awaitGet(Channel channel, String queue) {
        return await().atMost(20, TimeUnit.SECONDS).until(() -> channel.basicGet(queue, true), Objects::nonNull);
    }

    private static int ready(Channel channel, String queue) throws Exception {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    @Test
    void ccAndBccRouteToTheirKeysOnADirectExchangeAndBccIsNotDelivered() throws Exception {
        Channel channel = confirmingChannel();
        channel.exchangeDeclare("ssd.direct", BuiltinExchangeType.DIRECT, false, true, null);
        String own = boundQueue(channel, "ssd.direct", "own");
        String copied = boundQueue(channel, "ssd.direct", "copied");
        String blind = boundQueue(channel, "ssd.direct", "blind");
        String other = boundQueue(channel, "ssd.direct", "other");

        publish(channel, "ssd.direct", "own", Map.of("CC", List.of("copied"), "BCC", List.of("blind"), "app", "x"));

        for (String queue : List.of(own, copied, blind)) {
            Map<String, Object> headers = awaitGet(channel, queue).getProps().getHeaders();
            assertFalse(headers.containsKey("BCC"), queue + " got " + headers);
            assertEquals(List.of("copied"), ((List<?>) headers.get("CC")).stream().map(Object::toString).toList());
            assertEquals("x", headers.get("app").toString());
        }
        assertEquals(0, ready(channel, other));
    }

    @Test
    void ccKeysMatchTopicPatternsAndTravelThroughExchangeToExchangeBindings() throws Exception {
        Channel channel = confirmingChannel();
        channel.exchangeDeclare("ssd.topic", BuiltinExchangeType.TOPIC, false, true, null);
        channel.exchangeDeclare("ssd.downstream", BuiltinExchangeType.DIRECT, false, true, null);
        channel.exchangeBind("ssd.downstream", "ssd.topic", "sensors.#");
        String wildcard = boundQueue(channel, "ssd.topic", "alerts.*");
        String downstream = boundQueue(channel, "ssd.downstream", "sensors.kitchen");

        publish(channel, "ssd.topic", "nowhere", Map.of("CC", List.of("alerts.fire"),
                "BCC", List.of("sensors.kitchen")));

        assertEquals("nowhere", awaitGet(channel, wildcard).getEnvelope().getRoutingKey());
        assertNull(awaitGet(channel, downstream).getProps().getHeaders().get("BCC"));
    }

    @Test
    void onTheDefaultExchangeEachKeyNamesAQueue() throws Exception {
        Channel channel = confirmingChannel();
        String first = channel.queueDeclare().getQueue();
        String second = channel.queueDeclare().getQueue();

        publish(channel, "", first, Map.of("BCC", List.of(second)));

        awaitGet(channel, first);
        awaitGet(channel, second);
    }

    @Test
    void aQueueReachedByManyKeysGetsOneCopy() throws Exception {
        Channel channel = confirmingChannel();
        channel.exchangeDeclare("ssd.dedup", BuiltinExchangeType.DIRECT, false, true, null);
        String queue = boundQueue(channel, "ssd.dedup", "a", "b", "c");

        publish(channel, "ssd.dedup", "a", Map.of("CC", List.of("b", "a"), "BCC", List.of("c", "b")));

        assertEquals(1, ready(channel, queue));
    }

    @Test
    void headersOfAnotherTypeAndElementsThatAreNotStringsAreIgnored() throws Exception {
        Channel channel = confirmingChannel();
        channel.exchangeDeclare("ssd.invalid", BuiltinExchangeType.DIRECT, false, true, null);
        String own = boundQueue(channel, "ssd.invalid", "own");
        String notAnArray = boundQueue(channel, "ssd.invalid", "not-an-array");
        String number = boundQueue(channel, "ssd.invalid", "7");
        String listed = boundQueue(channel, "ssd.invalid", "listed");

        publish(channel, "ssd.invalid", "own", Map.of("CC", "not-an-array", "BCC", List.of(7, "listed")));

        awaitGet(channel, own);
        awaitGet(channel, listed);
        assertEquals(0, ready(channel, notAnArray));
        assertEquals(0, ready(channel, number));
        assertTrue(channel.isOpen());
    }

    @Test
    void fanoutAndHeadersExchangesIgnoreTheKeys() throws Exception {
        Channel channel = confirmingChannel();
        channel.exchangeDeclare("ssd.fanout", BuiltinExchangeType.FANOUT, false, true, null);
        String fanned = boundQueue(channel, "ssd.fanout", "");

        publish(channel, "ssd.fanout", "k", Map.of("CC", List.of("x", "y")));

        assertEquals(1, ready(channel, fanned));
    }
}
