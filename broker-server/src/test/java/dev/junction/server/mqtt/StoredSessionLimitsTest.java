package dev.junction.server.mqtt;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A session queue stored under other limits (by the previous release, whose mqtt.max_queued_messages default was
 * 1,000, or before the operator changed a key) is brought to the configured ones when the broker starts again.
 */
class StoredSessionLimitsTest {
    @TempDir
    Path dataDir;
    private JunctionServer server;
    private final Paho311Clients pahos = new Paho311Clients(() -> "tcp://127.0.0.1:" + server.port(Protocol.MQTT));

    private void start(UnaryOperator<Config> settings) throws Exception {
        server = JunctionServer.start(settings.apply(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)));
    }

    private void stopServer() throws Exception {
        pahos.close();
        server.close();
        server = null;
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            stopServer();
        }
    }

    /** A persistent session subscribed to meters/# at QoS 1 whose client then goes away. */
    private void offlineSession(String clientId) throws Exception {
        MqttClient subscriber = pahos.client(clientId);
        subscriber.connect(Paho311Clients.guest(false));
        subscriber.subscribe("meters/#", 1);
        subscriber.disconnect();
    }

    /** Each message PUBACKed before the next is sent (a raw client: Paho's window can trip over its own lag). */
    private void publishQos1(int count) throws Exception {
        try (RawMqttClient publisher = new RawMqttClient(server.port(Protocol.MQTT))) {
            publisher.connect("meter", true);
            for (int i = 0; i < count; i++) {
                publisher.send(RawMqttClient.publish("meters/1", 1, i + 1, false, "m" + i));
                publisher.read(PubAck.class);
            }
        }
    }

    @Test
    void aSessionQueueStoredWithTheOldBoundOfAThousandKeepsFiveThousandMessagesAfterTheUpgrade() throws Exception {
        // The previous release's default declared every session queue with x-max-length 1000.
        start(config -> config.with(ConfigKeys.MQTT_MAX_QUEUED_MESSAGES, 1_000));
        offlineSession("legacy");
        stopServer();

        start(UnaryOperator.identity());
        publishQos1(5_000);
        Set<String> received = ConcurrentHashMap.newKeySet();
        MqttClient subscriber = pahos.client("legacy");
        subscriber.setCallback(Paho311Clients.onMessage(
                (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8))));
        subscriber.connect(Paho311Clients.guest(false));
        await().atMost(120, TimeUnit.SECONDS).until(() -> received.size() == 5_000);
    }

    @Test
    void aStoredSessionQueueGetsTheConfiguredDeadLetterExchangeAndDeadLettersWithTheClientId() throws Exception {
        // Stored without a dead-letter exchange, so without the client id header either.
        start(config -> config.with(ConfigKeys.MQTT_MAX_QUEUED_MESSAGES, 3));
        offlineSession("sensor-9");
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.exchangeDeclare("mqtt.dlx", "fanout", true);
            channel.queueDeclare("lost", true, false, false, null);
            channel.queueBind("lost", "mqtt.dlx", "");
        }
        stopServer();

        start(config -> config.with(ConfigKeys.MQTT_MAX_QUEUED_MESSAGES, 3)
                .with(ConfigKeys.MQTT_DEAD_LETTER_EXCHANGE, Optional.of("mqtt.dlx")));
        publishQos1(5);
        factory.setPort(server.port(Protocol.AMQP));
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            for (String expected : List.of("m0", "m1")) {
                GetResponse dropped = await().atMost(30, TimeUnit.SECONDS)
                        .until(() -> channel.basicGet("lost", true), response -> response != null);
                assertEquals(expected, new String(dropped.getBody(), StandardCharsets.UTF_8));
                Map<String, Object> headers = dropped.getProps().getHeaders();
                assertNotNull(headers);
                assertEquals("maxlen", String.valueOf(headers.get("x-first-death-reason")));
                assertEquals("sensor-9", String.valueOf(headers.get(MqttSettings.CLIENT_ID_HEADER)));
            }
        }
    }
}
