package dev.junction.server.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.amqp.ReceivedDeliveries.DEADLINE_SECONDS;
import static dev.junction.server.amqp.ReceivedDeliveries.next;
import static dev.junction.server.amqp.ReceivedDeliveries.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * basic.cancel as RabbitMQ: the cancelled consumer's unacknowledged deliveries stay with the channel until they are
 * acked, rejected or nacked, or the channel closes; they are not requeued by the cancel itself.
 */
class AmqpCancelKeepsUnackedTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    /**
     * Publishes a, b, c to a fresh queue, consumes them unacknowledged (delivery tags 1 to 3) on a new channel and
     * cancels the consumer; returns that channel.
     */
    private static Channel consumeThreeAndCancel(String queue) throws Exception {
        Channel channel = broker.connect().createChannel();
        channel.queueDeclare(queue, false, false, false, null);
        for (String body : new String[] {"a", "b", "c"}) {
            channel.basicPublish("", queue, null, body.getBytes(StandardCharsets.UTF_8));
        }
        BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
        String tag = channel.basicConsume(queue, false, (t, d) -> received.add(d), t -> { });
        for (String expected : new String[] {"a", "b", "c"}) {
            assertEquals(expected, text(next(received)));
        }
        channel.basicCancel(tag);
        return channel;
    }

    @Test
    void cancelLeavesUnackedDeliveriesWithTheChannel() throws Exception {
        Channel channel = consumeThreeAndCancel("cancel-keeps");

        Channel other = broker.connect().createChannel();
        BlockingQueue<Delivery> otherReceived = new LinkedBlockingQueue<>();
        other.basicConsume("cancel-keeps", false, (t, d) -> otherReceived.add(d), t -> { });
        channel.basicPublish("", "cancel-keeps", null, "marker".getBytes(StandardCharsets.UTF_8));
        assertEquals("marker", text(next(otherReceived)), "nothing of the cancelled consumer's is requeued");
        assertEquals(0, other.queueDeclarePassive("cancel-keeps").getMessageCount());
        other.getConnection().close();
        channel.queueDelete("cancel-keeps");
    }

    @Test
    void settlementsAfterCancelApplyExactlyOnce() throws Exception {
        Channel channel = consumeThreeAndCancel("cancel-settle");

        channel.basicAck(1, false);
        channel.basicReject(2, false);
        channel.basicNack(3, false, true);
        GetResponse requeued = awaitGet(channel, "cancel-settle");
        assertEquals("c", new String(requeued.getBody(), StandardCharsets.UTF_8), "only the nacked one comes back");
        assertTrue(requeued.getEnvelope().isRedeliver());
        channel.basicAck(requeued.getEnvelope().getDeliveryTag(), false);
        assertNull(channel.basicGet("cancel-settle", true), "the acked and the rejected one are gone for good");
        assertTrue(channel.isOpen(), "every tag was known: no 406 unknown delivery tag");
        channel.queueDelete("cancel-settle");
    }

    @Test
    void closingTheChannelRequeuesWhatTheCancelledConsumerHeld() throws Exception {
        Channel channel = consumeThreeAndCancel("cancel-close");
        channel.basicAck(2, false);
        channel.close();

        Channel other = broker.connect().createChannel();
        assertEquals("a", new String(awaitGet(other, "cancel-close").getBody(), StandardCharsets.UTF_8));
        GetResponse last = awaitGet(other, "cancel-close");
        assertEquals("c", new String(last.getBody(), StandardCharsets.UTF_8));
        assertTrue(last.getEnvelope().isRedeliver());
        assertNull(other.basicGet("cancel-close", true), "the acked one stays settled");
        other.queueDelete("cancel-close");
    }

    private static GetResponse awaitGet(Channel channel, String queue) {
        GetResponse[] got = new GetResponse[1];
        await().atMost(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .until(() -> (got[0] = channel.basicGet(queue, false)) != null);
        return got[0];
    }
}
