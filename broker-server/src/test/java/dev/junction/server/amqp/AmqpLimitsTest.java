package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.types.LongString;
import dev.junction.amqp.codec.method.Channel;
import dev.junction.amqp.codec.method.Connection;
import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** amqp.channel_max and amqp.handshake_timeout over raw sockets. */
class AmqpLimitsTest {
    @TempDir
    Path dataDir;
    private JunctionServer server;

    private int start(Config config) throws Exception {
        server = JunctionServer.start(config);
        return server.port(Protocol.AMQP);
    }

    private Config config() throws Exception {
        return Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aChannelBeyondTheNegotiatedMaximumClosesTheConnectionAsRabbitMqDoes() throws Exception {
        int port = start(config().with(ConfigKeys.AMQP_CHANNEL_MAX, 2));
        try (RawAmqpClient client = new RawAmqpClient(port).handshake(0)) {
            for (int channel = 1; channel <= 2; channel++) {
                client.sendMethod(channel, new Channel.Open(""));
                client.expect(Channel.OpenOk.class);
            }
            client.sendMethod(3, new Channel.Open(""));
            Connection.Close close = client.expect(Connection.Close.class);
            assertEquals(AmqpConstants.NOT_ALLOWED, close.replyCode());
            assertEquals("NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)",
                    close.replyText());
        }
    }

    @Test
    void aChannelNumberAboveTheMaximumIsRefusedToo() throws Exception {
        int port = start(config().with(ConfigKeys.AMQP_CHANNEL_MAX, 2));
        try (RawAmqpClient client = new RawAmqpClient(port).handshake(0)) {
            client.sendMethod(7, new Channel.Open(""));
            Connection.Close close = client.expect(Connection.Close.class);
            assertEquals(AmqpConstants.NOT_ALLOWED, close.replyCode());
            assertEquals("NOT_ALLOWED - channel 7 is above the negotiated channel_max 2", close.replyText());
        }
    }

    @Test
    void aClientSilentAfterConnectingIsClosedAtTheHandshakeDeadline() throws Exception {
        int port = start(config().with(ConfigKeys.AMQP_HANDSHAKE_TIMEOUT, 1));
        try (RawAmqpClient client = new RawAmqpClient(port)) {
            long started = System.nanoTime();
            assertTrue(client.closedByServer(5_000));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(waited >= 900, "closed after " + waited + " ms, before the deadline");
        }
    }

    @Test
    void aClientTricklingItsHandshakeIsClosedAtTheDeadline() throws Exception {
        int port = start(config().with(ConfigKeys.AMQP_HANDSHAKE_TIMEOUT, 1));
        try (RawAmqpClient client = new RawAmqpClient(port)) {
            client.send(RawAmqpClient.HEADER);
            client.expect(Connection.Start.class);
            client.sendMethod(0, new Connection.StartOk(java.util.Map.of(), "PLAIN",
                    LongString.of("\0guest\0guest"), "en_US"));
            client.expect(Connection.Tune.class);
            // Never tune-ok nor open: the deadline covers the whole handshake, not just the header.
            assertTrue(client.closedByServer(5_000));
        }
    }

    @Test
    void aFinishedHandshakeIsNotClosedAtTheDeadline() throws Exception {
        int port = start(config().with(ConfigKeys.AMQP_HANDSHAKE_TIMEOUT, 1));
        try (RawAmqpClient client = new RawAmqpClient(port).handshake(0)) {
            assertFalse(client.closedByServer(1_500));
        }
    }
}
