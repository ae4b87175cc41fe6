package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.MqttWebSocketConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import dev.junction.server.tls.TestPki;
import dev.junction.server.tls.TestPki.Issued;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 5 over the other listeners: TLS, WebSocket and secure WebSocket (the sub-protocol {@code mqtt} carries both
 * protocol levels), with a plain login and with SCRAM enhanced authentication (HiveMQ's client).
 */
class Mqtt5TransportsTest {
    private static Issued ca;
    private static Issued serverCertificate;

    @TempDir
    Path dir;

    private JunctionServer broker;

    @BeforeAll
    static void makeCertificates() throws Exception {
        ca = TestPki.ca("Junction Test CA");
        serverCertificate = TestPki.server(ca);
    }

    @BeforeEach
    void start() throws Exception {
        serverCertificate.writeCertificate(dir.resolve("server.pem"));
        serverCertificate.writeKey(dir.resolve("server.key"));
        Config config = Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getByName("127.0.0.1"))
                .with(ConfigKeys.DATA_DIR, dir.resolve("data"))
                .with(ConfigKeys.MQTT_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.MQTT_WS_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.MQTT_TLS_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.MQTT_WSS_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.TLS_CERT_FILE, Optional.of(dir.resolve("server.pem")))
                .with(ConfigKeys.TLS_KEY_FILE, Optional.of(dir.resolve("server.key")))
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5)
                .with(ConfigKeys.USERS, Map.of("guest", "guest", "alice", "wonderland"));
        broker = JunctionServer.start(config);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private MqttClientSslConfig tls() throws Exception {
        return MqttClientSslConfig.builder().trustManagerFactory(TestPki.trusting(ca)).build();
    }

    private static MqttWebSocketConfig webSocket() {
        return MqttWebSocketConfig.builder().serverPath("mqtt").build();
    }

    private Mqtt5ClientBuilder client(String clientId, Protocol listener) {
        return MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(broker.port(listener));
    }

    @Test
    void overTlsWithScram() throws Exception {
        roundTrip(client("tls-scram", Protocol.MQTT_TLS).sslConfig(tls())
                .enhancedAuth(new ScramClientMechanism("alice", "wonderland")).buildBlocking());
    }

    @Test
    void overWebSocketWithScram() throws Exception {
        roundTrip(client("ws-scram", Protocol.MQTT_WEBSOCKET).webSocketConfig(webSocket())
                .enhancedAuth(new ScramClientMechanism("alice", "wonderland")).buildBlocking());
    }

    @Test
    void overSecureWebSocketWithAPassword() throws Exception {
        roundTrip(client("wss-password", Protocol.MQTT_WSS).sslConfig(tls()).webSocketConfig(webSocket())
                .simpleAuth().username("alice").password("wonderland".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().buildBlocking());
    }

    /** Connects, receives its own QoS 1 message with its user property, and disconnects. */
    private static void roundTrip(Mqtt5BlockingClient client) throws Exception {
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, client.connect().getReasonCode());
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith().topicFilter("transport/+").qos(MqttQos.AT_LEAST_ONCE).send();
            client.publishWith().topic("transport/v5").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("over the wire".getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> received = publishes.receive(20, TimeUnit.SECONDS);
            assertTrue(received.isPresent());
            assertEquals("transport/v5", received.get().getTopic().toString());
            assertEquals("over the wire", new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        }
        client.disconnect();
    }
}
