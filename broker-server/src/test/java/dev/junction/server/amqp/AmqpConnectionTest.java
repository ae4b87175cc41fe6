package dev.junction.server.amqp;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslConfig;
import com.rabbitmq.client.SaslMechanism;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.Connection.Close;
import dev.junction.amqp.codec.method.Connection.CloseOk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AmqpConnectionTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension(AmqpSettings.defaults().withHeartbeat(1));

    @Test
    void serverPropertiesListTheWorkingExtensions() throws Exception {
        Connection connection = broker.connect();
        Map<String, Object> properties = connection.getServerProperties();
        assertEquals("Junction", properties.get("product").toString());
        assertTrue(properties.containsKey("version"));
        assertTrue(properties.get("platform").toString().startsWith("Java"));
        @SuppressWarnings("unchecked")
        Map<String, Object> capabilities = (Map<String, Object>) properties.get("capabilities");
        assertEquals(java.util.Set.of("publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                "consumer_cancel_notify", "connection.blocked", "consumer_priorities",
                "authentication_failure_close", "per_consumer_qos", "direct_reply_to"), capabilities.keySet());
    }

    @Test
    void tuneOffersTheDocumentedLimits() throws Exception {
        ConnectionFactory factory = broker.factory();
        factory.setRequestedChannelMax(0);
        factory.setRequestedFrameMax(0);
        Connection connection = broker.track(factory.newConnection());
        assertEquals(AmqpSettings.DEFAULT_CHANNEL_MAX, connection.getChannelMax());
        assertEquals(AmqpSettings.DEFAULT_FRAME_MAX, connection.getFrameMax());
        assertEquals(1, connection.getHeartbeat(), "the smaller of the two proposals");
    }

    @Test
    void wrongPasswordIsRefusedWith403() {
        ConnectionFactory factory = broker.factory();
        factory.setPassword("wrong");
        AuthenticationFailureException refused = assertThrows(AuthenticationFailureException.class,
                factory::newConnection);
        assertTrue(refused.getMessage().startsWith("ACCESS_REFUSED - Login was refused"), refused.getMessage());
    }

    @Test
    void unknownUserIsRefusedWith403() {
        ConnectionFactory factory = broker.factory();
        factory.setUsername("nobody");
        assertThrows(AuthenticationFailureException.class, factory::newConnection);
    }

    @Test
    void amqplainLogsIn() throws Exception {
        ConnectionFactory factory = broker.factory();
        factory.setSaslConfig(amqplain());
        Connection connection = broker.track(factory.newConnection());
        assertTrue(connection.isOpen());
        factory.setPassword("wrong");
        assertThrows(AuthenticationFailureException.class, factory::newConnection);
    }

    private static SaslConfig amqplain() {
        return mechanisms -> new SaslMechanism() {
            @Override
            public String getName() {
                return "AMQPLAIN";
            }

            @Override
            public LongString handleChallenge(LongString challenge, String user, String password) {
                ByteArrayOutputStream table = new ByteArrayOutputStream();
                writeEntry(table, "LOGIN", user);
                writeEntry(table, "PASSWORD", password);
                return LongStringHelper.asLongString(table.toByteArray());
            }
        };
    }

    private static void writeEntry(ByteArrayOutputStream table, String name, String value) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
        table.write(nameBytes.length);
        table.writeBytes(nameBytes);
        table.write('S');
        table.write(valueBytes.length >>> 24);
        table.write(valueBytes.length >>> 16);
        table.write(valueBytes.length >>> 8);
        table.write(valueBytes.length);
        table.writeBytes(valueBytes);
    }

    @Test
    void unknownVhostIsRefusedWith530() {
        ConnectionFactory factory = broker.factory();
        factory.setVirtualHost("no-such-vhost");
        IOException refused = assertThrows(IOException.class, factory::newConnection);
        ShutdownSignalException signal = (ShutdownSignalException) refused.getCause();
        assertEquals(AmqpConstants.NOT_ALLOWED, ((com.rabbitmq.client.AMQP.Connection.Close) signal.getReason())
                .getReplyCode());
    }

    @Test
    void anotherExistingVhostOpens() throws Exception {
        ConnectionFactory factory = broker.factory();
        factory.setVirtualHost("other");
        assertTrue(broker.track(factory.newConnection()).isOpen());
    }

    @Test
    void heartbeatsKeepAnIdleConnectionOpen() throws Exception {
        Connection connection = broker.connect();
        Channel channel = connection.createChannel();
        // Three heartbeat intervals with no traffic but heartbeats: the server must neither drop nor be dropped.
        await().pollDelay(3, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS).until(connection::isOpen);
        assertTrue(channel.isOpen());
        channel.queueDeclare();
    }

    @Test
    void aPeerSilentForTwoIntervalsIsDropped() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(broker.port()).handshake(1)) {
            long started = System.nanoTime();
            assertTrue(client.closedByServer(6000), "still open after 6 s of silence");
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(elapsedMillis >= 1500, "dropped after " + elapsedMillis + " ms, before two intervals");
        }
    }

    @Test
    void wrongProtocolHeaderIsAnsweredWithOursAndClosed() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(broker.port())) {
            client.send(new byte[] {'A', 'M', 'Q', 'P', 1, 1, 8, 0});
            assertEquals(new String(RawAmqpClient.HEADER, StandardCharsets.ISO_8859_1), client.readHeader());
            assertTrue(client.closedByServer(5000));
        }
    }

    @Test
    void badFrameEndIsAFrameError() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(broker.port()).handshake(0)) {
            client.sendFrame(AmqpConstants.FRAME_METHOD, 1, new byte[] {0, 20, 0, 10, 0}, 0x00);
            Close close = client.expect(Close.class);
            assertEquals(AmqpConstants.FRAME_ERROR, close.replyCode());
            client.sendMethod(0, new CloseOk());
            assertTrue(client.closedByServer(5000));
        }
    }

    /**
     * RabbitMQ's reader exits on a method id its framing does not know and drops the socket without a word; Junction
     * answers with the code RabbitMQ gives a method it has no handler for, 503, naming the ids.
     */
    @Test
    void anUnknownMethodIsACommandInvalidConnectionError() throws Exception {
        for (int[] ids : new int[][] {{60, 999}, {99, 10}}) {
            try (RawAmqpClient client = new RawAmqpClient(broker.port()).handshake(0)) {
                client.sendFrame(AmqpConstants.FRAME_METHOD, 1,
                        new byte[] {0, (byte) ids[0], (byte) (ids[1] >> 8), (byte) ids[1]}, AmqpConstants.FRAME_END);
                Close close = client.expect(Close.class);
                assertEquals(AmqpConstants.COMMAND_INVALID, close.replyCode());
                assertEquals("COMMAND_INVALID - unknown method " + ids[0] + "/" + ids[1], close.replyText());
                assertEquals(ids[0], close.classId());
                assertEquals(ids[1], close.methodId());
                assertTrue(client.closedByServer(5000));
            }
        }
    }

    @Test
    void channelAboveChannelMaxIsNotAllowed() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(broker.port()).handshake(0)) {
            client.sendMethod(AmqpSettings.DEFAULT_CHANNEL_MAX + 1,
                    new dev.junction.amqp.codec.method.Channel.Open(""));
            assertEquals(AmqpConstants.NOT_ALLOWED, client.expect(Close.class).replyCode());
        }
    }

    @Test
    void methodOnAChannelNeverOpenedIsAChannelError() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(broker.port()).handshake(0)) {
            client.sendMethod(3, new dev.junction.amqp.codec.method.Basic.Qos(0, 10, false));
            assertEquals(AmqpConstants.CHANNEL_ERROR, client.expect(Close.class).replyCode());
        }
    }

    @Test
    void clientCloseIsAnsweredAndTheConnectionForgotten() throws Exception {
        Connection connection = broker.connect();
        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.service().connectionCount() >= 1);
        int before = broker.service().connectionCount();
        connection.close();
        assertFalse(connection.isOpen());
        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.service().connectionCount() == before - 1);
    }

    @Test
    void blockedAlarmIsAnnouncedToPublishers() throws Exception {
        Connection connection = broker.connect();
        java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
        connection.addBlockedListener(events::add, () -> events.add("unblocked"));
        Channel channel = connection.createChannel();
        channel.basicPublish("", "nowhere", null, new byte[0]);
        channel.queueDeclare();
        broker.service().blockPublishers("low on memory");
        try {
            assertEquals("low on memory", events.poll(5, TimeUnit.SECONDS));
        } finally {
            broker.service().unblockPublishers();
        }
        assertEquals("unblocked", events.poll(5, TimeUnit.SECONDS));
    }
}
