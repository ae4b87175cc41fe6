package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.amqp.ReceivedDeliveries.DEADLINE_SECONDS;
import static dev.junction.server.amqp.ReceivedDeliveries.next;
import static dev.junction.server.amqp.ReceivedDeliveries.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Direct reply-to addresses seen from a responder, and how a queue shares work between prefetch-limited consumers. */
class AmqpDirectReplyToAndFairnessTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    @Test
    void aResponderCanCheckThatTheRequesterIsStillThere() throws Exception {
        Channel responder = broker.connect().createChannel();
        responder.queueDeclare("rpc-requests", false, false, true, null);
        BlockingQueue<Delivery> requests = new LinkedBlockingQueue<>();
        responder.basicConsume("rpc-requests", true, (t, d) -> requests.add(d), t -> { });

        Connection requesterConnection = broker.connect();
        Channel requester = requesterConnection.createChannel();
        requester.basicConsume("amq.rabbitmq.reply-to", true, (t, d) -> { }, t -> { });
        requester.basicPublish("", "rpc-requests", new AMQP.BasicProperties.Builder()
                .replyTo("amq.rabbitmq.reply-to").build(), "ping".getBytes(StandardCharsets.UTF_8));
        String replyTo = next(requests).getProperties().getReplyTo();

        AMQP.Queue.DeclareOk declared = responder.queueDeclarePassive(replyTo);
        assertEquals(replyTo, declared.getQueue());
        assertEquals(0, declared.getMessageCount());
        assertEquals(1, declared.getConsumerCount(), "RabbitMQ 3.10 counts the requester as the one consumer");

        requesterConnection.close();
        IOException gone = assertThrows(IOException.class, () -> responder.queueDeclarePassive(replyTo));
        AMQP.Channel.Close close = (AMQP.Channel.Close) ((ShutdownSignalException) gone.getCause()).getReason();
        assertEquals(404, close.getReplyCode());
        assertEquals("NOT_FOUND - no queue '" + replyTo + "' in vhost '/'", close.getReplyText());
    }

    /** A consumer with credit left takes turns; one that runs out waits for its acks, and the other takes the rest. */
    @Test
    void consumersAtPrefetchOneAndThreeShareAsRabbitMqDoes() throws Exception {
        Channel setup = broker.connect().createChannel();
        setup.queueDeclare("fair-1-n", false, false, false, null);
        Channel one = broker.connect().createChannel();
        Channel three = broker.connect().createChannel();
        one.basicQos(1);
        three.basicQos(3);
        BlockingQueue<Delivery> toOne = new LinkedBlockingQueue<>();
        BlockingQueue<Delivery> toThree = new LinkedBlockingQueue<>();
        one.basicConsume("fair-1-n", false, (t, d) -> toOne.add(d), t -> { });
        three.basicConsume("fair-1-n", false, (t, d) -> toThree.add(d), t -> { });
        for (int i = 1; i <= 8; i++) {
            setup.basicPublish("", "fair-1-n", null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("m1", text(next(toOne)));
        assertEquals("m2", text(next(toThree)));
        assertEquals("m3", text(next(toThree)));
        assertEquals("m4", text(next(toThree)));
        await().atMost(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .until(() -> setup.queueDeclarePassive("fair-1-n").getMessageCount() == 4);
        assertNull(toOne.poll(100, TimeUnit.MILLISECONDS), "at prefetch 1 nothing more before the ack");

        one.basicAck(1, false);
        assertEquals("m5", text(next(toOne)));
        three.basicAck(1, false);
        assertEquals("m6", text(next(toThree)));
        setup.queueDelete("fair-1-n");
    }

    /**
     * RabbitMQ's line of consumers, checked against RabbitMQ 3.10: a consumer passed over for lack of credit goes to
     * the back of the line when it has credit again. A, B and C at prefetch 1 hold k1, k2 and k3, so k4 passes over
     * all three; B acks first and takes k4; A and C ack, in that order, and rejoin behind B: k5 goes to A (B has no
     * credit), where a plain rotation would have given it to C.
     */
    @Test
    void aConsumerPassedOverRejoinsAtTheBackOfTheLine() throws Exception {
        Channel setup = broker.connect().createChannel();
        setup.queueDeclare("fair-line", false, false, false, null);
        List<Channel> channels = new ArrayList<>();
        List<BlockingQueue<Delivery>> received = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Channel channel = broker.connect().createChannel();
            channel.basicQos(1);
            BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
            channel.basicConsume("fair-line", false, (t, d) -> deliveries.add(d), t -> { });
            channels.add(channel);
            received.add(deliveries);
        }
        for (int i = 0; i < 3; i++) {
            setup.basicPublish("", "fair-line", null, ("k" + (i + 1)).getBytes(StandardCharsets.UTF_8));
            assertEquals("k" + (i + 1), text(next(received.get(i))));
        }
        setup.basicPublish("", "fair-line", null, "k4".getBytes(StandardCharsets.UTF_8));
        await().atMost(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .until(() -> setup.queueDeclarePassive("fair-line").getMessageCount() == 1);

        channels.get(1).basicAck(1, false);
        assertEquals("k4", text(next(received.get(1))));
        channels.get(0).basicAck(1, false);
        channels.get(2).basicAck(1, false);
        await().atMost(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .until(() -> broker.broker().virtualHost("/").queue("fair-line").unsettledCount() == 1);
        setup.basicPublish("", "fair-line", null, "k5".getBytes(StandardCharsets.UTF_8));
        assertEquals("k5", text(next(received.get(0))), "A rejoined the line before C");
        assertNull(received.get(2).poll(100, TimeUnit.MILLISECONDS));
        setup.queueDelete("fair-line");
    }
}
