package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.amqp.ReceivedDeliveries.DEADLINE_SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The argument and property checks RabbitMQ makes, each refused with RabbitMQ's code and text. */
class AmqpValidationTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    private static Channel channel() throws Exception {
        return broker.connect().createChannel();
    }

    private static AMQP.Channel.Close channelClose(Exception failure) {
        Throwable cause = failure;
        while (!(cause instanceof ShutdownSignalException)) {
            cause = cause.getCause();
        }
        return (AMQP.Channel.Close) ((ShutdownSignalException) cause).getReason();
    }

    private static GetResponse awaitGet(Channel channel, String queue) {
        return await().atMost(DEADLINE_SECONDS, TimeUnit.SECONDS).until(() -> channel.basicGet(queue, true),
                Objects::nonNull);
    }

    // ---- user_id ----

    @Test
    void aUserIdOtherThanTheAuthenticatedUserIs406() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().userId("guest").build(), new byte[0]);
        assertNotNull(awaitGet(channel, queue), "the authenticated user's own name passes");

        channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().userId("mallory").build(), new byte[0]);
        await().atMost(DEADLINE_SECONDS, TimeUnit.SECONDS).until(() -> !channel.isOpen());
        AMQP.Channel.Close close = (AMQP.Channel.Close) channel.getCloseReason().getReason();
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - user_id property set to 'mallory' but authenticated user was 'guest'",
                close.getReplyText());
        assertEquals(60, close.getClassId(), "basic.publish is blamed");
        assertEquals(40, close.getMethodId());
        Channel other = channel.getConnection().createChannel();
        assertEquals(0, other.queueDeclarePassive(queue).getMessageCount(), "the forged message was not routed");
    }

    // ---- x-match ----

    @Test
    void xMatchAcceptsOnlyTheFourModes() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("match-modes", "headers");
        String queue = channel.queueDeclare().getQueue();
        for (String mode : new String[] {"all", "any", "all-with-x", "any-with-x"}) {
            channel.queueBind(queue, "match-modes", "", Map.of("x-match", mode, "k", "v"));
        }
        AMQP.Channel.Close close = channelClose(assertThrows(IOException.class, () -> channel.queueBind(queue,
                "match-modes", "", Map.of("x-match", "bogus", "k", "v"))));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - Invalid x-match field value <<\"bogus\">>; expected all, any, "
                + "all-with-x, or any-with-x", close.getReplyText());

        Channel second = channel.getConnection().createChannel();
        close = channelClose(assertThrows(IOException.class, () -> second.queueBind(queue, "match-modes", "",
                Map.of("x-match", 1, "k", "v"))));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - Invalid x-match field type signedint (value 1); expected longstr",
                close.getReplyText());

        Channel third = channel.getConnection().createChannel();
        third.exchangeDeclare("match-modes-source", "headers");
        close = channelClose(assertThrows(IOException.class, () -> third.exchangeBind("match-modes",
                "match-modes-source", "", Map.of("x-match", "either"))));
        assertEquals(406, close.getReplyCode(), "exchange-to-exchange bindings are checked too");
    }

    @Test
    void withXModesAlsoCompareXHeaders() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("with-x", "headers");
        String all = channel.queueDeclare().getQueue();
        String allWithX = channel.queueDeclare().getQueue();
        String anyWithX = channel.queueDeclare().getQueue();
        channel.queueBind(all, "with-x", "", Map.of("x-match", "all", "x-tenant", "a", "kind", "order"));
        channel.queueBind(allWithX, "with-x", "", Map.of("x-match", "all-with-x", "x-tenant", "a", "kind", "order"));
        channel.queueBind(anyWithX, "with-x", "", Map.of("x-match", "any-with-x", "x-tenant", "a"));

        channel.basicPublish("with-x", "", new AMQP.BasicProperties.Builder()
                .headers(Map.of("x-tenant", "b", "kind", "order")).build(), "other tenant".getBytes());
        channel.basicPublish("with-x", "", new AMQP.BasicProperties.Builder()
                .headers(Map.of("x-tenant", "a", "kind", "order")).build(), "tenant a".getBytes());

        assertEquals("other tenant", new String(awaitGet(channel, all).getBody()), "plain all ignores x- headers");
        assertEquals("tenant a", new String(awaitGet(channel, all).getBody()));
        assertEquals("tenant a", new String(awaitGet(channel, allWithX).getBody()));
        assertEquals("tenant a", new String(awaitGet(channel, anyWithX).getBody()));
        assertNull(channel.basicGet(allWithX, true), "all-with-x compares x-tenant");
        assertNull(channel.basicGet(anyWithX, true));
    }

    // ---- x-priority ----

    @Test
    void aConsumerPriorityMustBeAnInteger() throws Exception {
        Channel channel = channel();
        channel.queueDeclare("prioritised", false, false, true, null);
        channel.basicConsume("prioritised", true, Map.of("x-priority", (short) 5), (t, d) -> { }, t -> { });
        assertTrue(channel.isOpen(), "any integer width is accepted");

        Channel second = channel();
        AMQP.Channel.Close close = channelClose(assertThrows(IOException.class, () -> second.basicConsume(
                "prioritised", true, Map.of("x-priority", "high"), (t, d) -> { }, t -> { })));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-priority' for queue 'prioritised' in vhost '/': "
                + "\"expected integer, got longstr\"", close.getReplyText());

        Channel third = channel();
        close = channelClose(assertThrows(IOException.class, () -> third.basicConsume("prioritised", true,
                Map.of("x-priority", 2.5), (t, d) -> { }, t -> { })));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().endsWith("\"expected integer, got double\""), close.getReplyText());
        assertFalse(third.isOpen());
        assertEquals(1, channel.queueDeclarePassive("prioritised").getConsumerCount(),
                "the refused consumers were never added");
    }
}
