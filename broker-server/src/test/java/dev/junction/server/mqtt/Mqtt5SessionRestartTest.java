package dev.junction.server.mqtt;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 5 sessions over a restart of the daemon on the same data directory: each comes back with its own Session
 * Expiry Interval, the one its last CONNECT or DISCONNECT set, and expires on it.
 */
class Mqtt5SessionRestartTest {
    @TempDir
    Path dataDir;
    private JunctionServer server;

    private void startIfStopped() throws Exception {
        if (server == null) {
            server = JunctionServer.start(Config.defaults()
                    .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                    .with(ConfigKeys.DATA_DIR, dataDir)
                    .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                    .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                    .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED));
        }
    }

    private void restart() throws Exception {
        server.close();
        server = null;
        startIfStopped();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Connects an MQTT 5 client with Clean Start 0 and the interval; returns whether the session was present. */
    private boolean connect(RawMqttClient client, String clientId, long expirySeconds) throws IOException {
        client.send(new Connect(MqttProtocolVersion.MQTT_5, false, 0, clientId, null, "guest",
                "guest".getBytes(StandardCharsets.UTF_8),
                MqttProperties.builder().sessionExpiryInterval(expirySeconds).build()));
        ConnAck ack = client.read(ConnAck.class);
        assertEquals(ReasonCode.SUCCESS, ack.reasonCode());
        return ack.sessionPresent();
    }

    /** A session with one subscription, left with a normal DISCONNECT. */
    private void leaveSession(String clientId, long expirySeconds) throws Exception {
        startIfStopped();
        try (RawMqttClient client = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5()) {
            connect(client, clientId, expirySeconds);
            client.send(new Subscribe(1, List.of(new Subscribe.Subscription("t/" + clientId, MqttQos.AT_LEAST_ONCE))));
            client.read(SubAck.class);
            client.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION));
            client.assertClosedByServer();
        }
    }

    private boolean reconnect(String clientId) throws Exception {
        try (RawMqttClient client = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5()) {
            return connect(client, clientId, 3600);
        }
    }

    private boolean sessionQueueExists(String clientId) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setPort(server.port(Protocol.AMQP));
        try (Connection amqp = factory.newConnection()) {
            Channel channel = amqp.createChannel();
            try {
                channel.queueDeclarePassive(MqttSession.queueName(clientId));
                return true;
            } catch (IOException notFound) {
                return false;
            }
        }
    }

    @Test
    void eachSessionComesBackWithItsOwnIntervalAndExpiresOnIt() throws Exception {
        leaveSession("brief", 8);
        leaveSession("lasting", 3600);
        restart();
        long restarted = System.nanoTime();
        assertTrue(sessionQueueExists("brief"), "kept over the restart");
        await().atMost(60, TimeUnit.SECONDS).until(() -> !sessionQueueExists("brief"));
        assertTrue(System.nanoTime() - restarted >= TimeUnit.SECONDS.toNanos(7),
                "expired on its interval, not at start-up");
        assertTrue(reconnect("lasting"));
        assertFalse(reconnect("brief"));
    }

    @Test
    void aWillStillWaitingForItsDelayIsPublishedAtShutdown() throws Exception {
        startIfStopped();
        try (RawMqttClient watcher = new RawMqttClient(server.port(Protocol.MQTT))) {
            watcher.connect("watcher", false);
            watcher.send(new Subscribe(1, List.of(new Subscribe.Subscription("wills/#", MqttQos.AT_LEAST_ONCE))));
            watcher.read(SubAck.class);
        }
        RawMqttClient dying = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5();
        dying.send(new Connect(MqttProtocolVersion.MQTT_5, true, 0, "dying",
                new Connect.Will("wills/dying", "gone".getBytes(StandardCharsets.UTF_8), MqttQos.AT_LEAST_ONCE, false,
                        MqttProperties.builder().willDelayInterval(3600).build()), "guest",
                "guest".getBytes(StandardCharsets.UTF_8), MqttProperties.builder().sessionExpiryInterval(3600).build()));
        assertEquals(ReasonCode.SUCCESS, dying.read(ConnAck.class).reasonCode());
        restart();
        dying.close();
        try (RawMqttClient watcher = new RawMqttClient(server.port(Protocol.MQTT))) {
            assertTrue(watcher.connect("watcher", false).sessionPresent());
            assertEquals("wills/dying", watcher.readPublish().topic());
        }
    }

    @Test
    void theIntervalOfTheLastConnectIsTheOneKept() throws Exception {
        leaveSession("changed", 2);
        try (RawMqttClient client = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5()) {
            assertTrue(connect(client, "changed", 3600));
            client.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION));
            client.assertClosedByServer();
        }
        restart();
        // Past the first interval: a session that had kept it would be gone by now.
        TimeUnit.MILLISECONDS.sleep(3000);
        assertTrue(sessionQueueExists("changed"));
        assertTrue(reconnect("changed"));
    }
}
