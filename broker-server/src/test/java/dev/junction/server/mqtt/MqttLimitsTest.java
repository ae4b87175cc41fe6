package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.MqttQos;
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
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.junction.mqtt.codec.SubAckReturnCode.FAILURE;
import static dev.junction.mqtt.codec.SubAckReturnCode.GRANTED_QOS_0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mqtt.max_subscriptions and mqtt.connect_timeout over raw sockets. */
class MqttLimitsTest {
    @TempDir
    Path dataDir;
    private JunctionServer server;

    private int start(Config config) throws Exception {
        server = JunctionServer.start(config.with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED));
        return server.port(Protocol.MQTT);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Subscribe subscribe(int packetId, String... filters) {
        return new Subscribe(packetId, java.util.Arrays.stream(filters)
                .map(filter -> new Subscribe.Subscription(filter, MqttQos.AT_MOST_ONCE)).toList());
    }

    @Test
    void filtersBeyondTheSessionsLimitGetFailure() throws Exception {
        int port = start(Config.defaults().with(ConfigKeys.MQTT_MAX_SUBSCRIPTIONS, 3));
        try (RawMqttClient client = new RawMqttClient(port)) {
            client.connect("many-filters", true);
            client.send(subscribe(1, "a", "b", "a", "c", "d"));
            assertEquals(List.of(GRANTED_QOS_0, GRANTED_QOS_0, GRANTED_QOS_0, GRANTED_QOS_0, FAILURE),
                    client.read(SubAck.class).returnCodes(), "resubscribing to 'a' replaces it, takes no room");
            client.send(subscribe(2, "b", "e"));
            assertEquals(List.of(GRANTED_QOS_0, FAILURE), client.read(SubAck.class).returnCodes());
        }
    }

    @Test
    void aClientTricklingItsConnectIsClosedAtTheDeadline() throws Exception {
        int port = start(Config.defaults().with(ConfigKeys.MQTT_CONNECT_TIMEOUT, 1));
        try (RawMqttClient client = new RawMqttClient(port)) {
            long started = System.nanoTime();
            // The first bytes of a CONNECT, one every 200 ms: never a whole packet before the deadline.
            int[] connectStart = {0x10, 0x20, 0x00, 0x04, 'M', 'Q', 'T', 'T', 4, 2, 0, 60};
            try {
                for (int b : connectStart) {
                    client.sendBytes(b);
                    Thread.sleep(200); // paces the trickle; nothing is awaited
                }
            } catch (IOException closedWhileWriting) {
                // The server closed the socket at the deadline, as expected.
            }
            client.assertClosedByServer();
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(waited < 4000, "closed after " + waited + " ms");
        }
    }
}
