package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Channels, exchanges, queues and bindings, with the reply code of every refusal. */
class AmqpTopologyTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    /** The reply code of the channel.close or connection.close a failed call caused. */
    static int replyCode(Exception failure) {
        Object reason = signal(failure).getReason();
        return reason instanceof AMQP.Channel.Close close ? close.getReplyCode()
                : ((AMQP.Connection.Close) reason).getReplyCode();
    }

    static boolean isHard(Exception failure) {
        return signal(failure).isHardError();
    }

    private static ShutdownSignalException signal(Throwable failure) {
        Throwable cause = failure;
        while (!(cause instanceof ShutdownSignalException)) {
            cause = cause.getCause();
        }
        return (ShutdownSignalException) cause;
    }

    private Channel channel() throws Exception {
        return broker.connect().createChannel();
    }

    @Test
    void serverNamedQueuesAreExclusiveAutoDeleteAndAmqGen() throws Exception {
        Channel channel = channel();
        AMQP.Queue.DeclareOk ok = channel.queueDeclare();
        assertTrue(ok.getQueue().startsWith("amq.gen-"), ok.getQueue());
        assertEquals(0, ok.getMessageCount());
        assertEquals(0, ok.getConsumerCount());
    }

    @Test
    void declareOkCountsMessagesAndConsumers() throws Exception {
        Channel channel = channel();
        channel.queueDeclare("counted", false, false, true, null);
        channel.basicPublish("", "counted", null, "1".getBytes());
        channel.basicPublish("", "counted", null, "2".getBytes());
        await().atMost(5, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive("counted").getMessageCount() == 2);
        channel.basicQos(1);
        channel.basicConsume("counted", false, (tag, delivery) -> { }, tag -> { });
        await().atMost(5, TimeUnit.SECONDS).until(() -> {
            AMQP.Queue.DeclareOk ok = channel.queueDeclarePassive("counted");
            return ok.getConsumerCount() == 1 && ok.getMessageCount() == 1;
        });
    }

    @Test
    void passiveDeclareOfAMissingQueueIs404() throws Exception {
        Channel channel = channel();
        IOException failure = assertThrows(IOException.class, () -> channel.queueDeclarePassive("missing"));
        assertEquals(404, replyCode(failure));
        assertFalse(isHard(failure));
        assertFalse(channel.isOpen());
        assertTrue(channel.getConnection().isOpen(), "a soft error closes only the channel");
    }

    @Test
    void redeclaringWithOtherPropertiesIs406() throws Exception {
        Channel channel = channel();
        channel.queueDeclare("shape", false, false, false, null);
        IOException failure = assertThrows(IOException.class,
                () -> channel.queueDeclare("shape", true, false, false, null));
        assertEquals(406, replyCode(failure));
        Channel exchanges = channel.getConnection().createChannel();
        exchanges.exchangeDeclare("shaped", "direct");
        assertEquals(406, replyCode(assertThrows(IOException.class,
                () -> exchanges.exchangeDeclare("shaped", "fanout"))));
        channel.getConnection().createChannel().queueDelete("shape");
    }

    @Test
    void exclusiveQueuesBelongToOneConnection() throws Exception {
        Channel owner = channel();
        owner.queueDeclare("mine", false, true, false, null);
        Channel other = channel();
        assertEquals(405, replyCode(assertThrows(IOException.class,
                () -> other.queueDeclarePassive("mine"))));
        owner.getConnection().close();
        Channel third = channel();
        assertEquals(404, replyCode(assertThrows(IOException.class, () -> third.queueDeclarePassive("mine"))),
                "an exclusive queue goes with its connection");
    }

    @Test
    void reservedNamesAre403() throws Exception {
        Channel channel = channel();
        assertEquals(403, replyCode(assertThrows(IOException.class,
                () -> channel.queueDeclare("amq.mine", false, false, false, null))));
        Channel again = channel();
        assertEquals(403, replyCode(assertThrows(IOException.class,
                () -> again.exchangeDeclare("amq.custom", "direct"))));
        Channel third = channel();
        assertEquals(403, replyCode(assertThrows(IOException.class, () -> third.exchangeDelete("amq.direct"))));
    }

    @Test
    void unknownExchangeTypeIsACommandInvalidConnectionError() throws Exception {
        Channel channel = channel();
        IOException failure = assertThrows(IOException.class, () -> channel.exchangeDeclare("odd", "weird"));
        assertEquals(503, replyCode(failure));
        assertTrue(isHard(failure));
    }

    @Test
    void publishingToAMissingExchangeIs404() throws Exception {
        Channel channel = channel();
        channel.basicPublish("missing", "k", null, new byte[0]);
        Exception closed = assertThrows(Exception.class, () -> channel.queueDeclare());
        assertEquals(404, replyCode(closed));
    }

    @Test
    void publishingToAnInternalExchangeIs403() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("inside-only", "fanout", false, true, true, null);
        channel.basicPublish("inside-only", "", null, new byte[0]);
        assertEquals(403, replyCode(assertThrows(Exception.class, channel::queueDeclare)));
    }

    @Test
    void exchangeDeleteIfUnusedRefusesWhileBound() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("busy", "fanout");
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, "busy", "");
        assertEquals(406, replyCode(assertThrows(IOException.class, () -> channel.exchangeDelete("busy", true))));
        Channel again = channel();
        again.exchangeDelete("busy");
        assertEquals(404, replyCode(assertThrows(IOException.class, () -> again.exchangeDeclarePassive("busy"))));
    }

    @Test
    void exchangeToExchangeBindingsRoute() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("e2e-source", "topic");
        channel.exchangeDeclare("e2e-destination", "fanout");
        channel.exchangeBind("e2e-destination", "e2e-source", "orders.*");
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, "e2e-destination", "");
        channel.basicPublish("e2e-source", "orders.new", null, "routed".getBytes());
        channel.basicPublish("e2e-source", "invoices.new", null, "not routed".getBytes());
        GetResponse response = await().atMost(5, TimeUnit.SECONDS)
                .until(() -> channel.basicGet(queue, true), java.util.Objects::nonNull);
        assertEquals("routed", new String(response.getBody(), StandardCharsets.UTF_8));
        channel.exchangeUnbind("e2e-destination", "e2e-source", "orders.*");
        channel.basicPublish("e2e-source", "orders.new", null, "after unbind".getBytes());
        assertNull(channel.basicGet(queue, true));
    }

    @Test
    void headersExchangeMatchesAllOrAny() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("by-headers", "headers");
        String all = channel.queueDeclare().getQueue();
        String any = channel.queueDeclare().getQueue();
        channel.queueBind(all, "by-headers", "", Map.of("x-match", "all", "format", "pdf", "type", "report"));
        channel.queueBind(any, "by-headers", "", Map.of("x-match", "any", "format", "pdf", "type", "report"));
        AMQP.BasicProperties pdfOnly = new AMQP.BasicProperties.Builder().headers(Map.of("format", "pdf")).build();
        channel.basicPublish("by-headers", "", pdfOnly, "pdf".getBytes());
        assertNotNull(await().atMost(5, TimeUnit.SECONDS).until(() -> channel.basicGet(any, true),
                java.util.Objects::nonNull));
        assertNull(channel.basicGet(all, true));
    }

    @Test
    void queueDeleteIfEmptyAndIfUnused() throws Exception {
        Channel channel = channel();
        channel.queueDeclare("guarded", false, false, false, null);
        channel.basicPublish("", "guarded", null, "x".getBytes());
        await().atMost(5, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive("guarded").getMessageCount() == 1);
        assertEquals(406, replyCode(assertThrows(IOException.class,
                () -> channel.queueDelete("guarded", false, true))));
        Channel again = channel();
        assertEquals(1, again.queueDelete("guarded").getMessageCount());
    }

    @Test
    void purgeReportsHowManyWereDropped() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", queue, null, new byte[] {(byte) i});
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> channel.queueDeclarePassive(queue).getMessageCount() == 3);
        assertEquals(3, channel.queuePurge(queue).getMessageCount());
        assertNull(channel.basicGet(queue, true));
    }

    @Test
    void invalidQueueArgumentsAre406() throws Exception {
        Channel channel = channel();
        IOException failure = assertThrows(IOException.class,
                () -> channel.queueDeclare("bad-args", false, false, false, Map.of("x-max-length", -1)));
        assertEquals(406, replyCode(failure));
    }

    @Test
    void reusingAConsumerTagIs530() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(broker.port()).handshake(0)) {
            client.sendMethod(1, new dev.junction.amqp.codec.method.Channel.Open(""));
            client.expect(dev.junction.amqp.codec.method.Channel.OpenOk.class);
            client.sendMethod(1, new dev.junction.amqp.codec.method.Queue.Declare(0, "", false, false, true, true,
                    false, Map.of()));
            client.expect(dev.junction.amqp.codec.method.Queue.DeclareOk.class);
            var consume = new dev.junction.amqp.codec.method.Basic.Consume(0, "", "tag", false, true, false, false,
                    Map.of());
            client.sendMethod(1, consume);
            client.expect(dev.junction.amqp.codec.method.Basic.ConsumeOk.class);
            client.sendMethod(1, consume);
            assertEquals(530, client.expect(dev.junction.amqp.codec.method.Connection.Close.class).replyCode());
        }
    }

    @Test
    void unknownDeliveryTagIs406() throws Exception {
        Channel channel = channel();
        channel.basicAck(42, false);
        Exception closed = assertThrows(Exception.class, () -> channel.queueDeclare());
        assertEquals(406, replyCode(closed));
    }

    @Test
    void prefetchSizeIsNotImplemented() throws Exception {
        Channel channel = channel();
        IOException failure = assertThrows(IOException.class, () -> channel.basicQos(1024, 10, false));
        assertEquals(540, replyCode(failure));
    }

    @Test
    void recoverWithoutRequeueIsNotImplemented() throws Exception {
        Channel channel = channel();
        assertEquals(540, replyCode(assertThrows(IOException.class, () -> channel.basicRecover(false))));
    }

    @Test
    void channelsOpenAndCloseIndependently() throws Exception {
        Connection connection = broker.connect();
        Channel first = connection.createChannel();
        Channel second = connection.createChannel();
        first.close();
        assertFalse(first.isOpen());
        assertTrue(second.isOpen());
        second.queueDeclare();
    }

    @Test
    void channelFlowIsAcknowledged() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        assertFalse(flow(channel, false));
        channel.basicPublish("", queue, null, "held".getBytes());
        java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
        channel.basicConsume(queue, true, (t, d) -> received.add(new String(d.getBody())), t -> { });
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "no deliveries while flow is off");
        assertTrue(flow(channel, true));
        assertEquals("held", received.poll(5, TimeUnit.SECONDS));
    }

    private static boolean flow(Channel channel, boolean active) throws IOException {
        return ((AMQP.Channel.FlowOk) channel.rpc(new AMQP.Channel.Flow.Builder().active(active).build())
                .getMethod()).getActive();
    }
}
