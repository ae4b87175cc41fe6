package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 5 PUBLISH properties end to end over real sockets: from one MQTT 5 client to another, from MQTT 5 to an
 * AMQP service and back (request/response, docs/cross-protocol.md), and message expiry counted down while queued
 * and for retained messages. HiveMQ's MQTT 5 client and the RabbitMQ Java client.
 */
class Mqtt5PublishPropertiesTest {
    @TempDir
    Path dir;
    private JunctionServer server;
    private final HiveMqClients clients = new HiveMqClients(() -> server.port(Protocol.MQTT));

    @BeforeEach
    void start() throws Exception {
        server = JunctionServer.start(config());
    }

    private Config config() {
        return Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dir.resolve("data"))
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.USERS, Map.of("guest", "guest"));
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        server.close();
    }

    private Mqtt5BlockingClient client(String clientId) {
        return clients.v5(clients.v5Builder(clientId).simpleAuth().username("guest")
                .password("guest".getBytes(StandardCharsets.UTF_8)).applySimpleAuth());
    }

    private Connection amqp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        return factory.newConnection();
    }

    private static Mqtt5Publish receive(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> received = publishes.receive(20, TimeUnit.SECONDS);
        assertTrue(received.isPresent(), "a message within 20 s");
        return received.get();
    }

    private static List<String> userProperties(Mqtt5Publish publish) {
        return publish.getUserProperties().asList().stream()
                .map(p -> p.getName() + "=" + p.getValue()).toList();
    }

    @Test
    void everyPropertyReachesAnotherMqtt5ClientWithUserPropertiesInTheirOrder() throws Exception {
        Mqtt5BlockingClient subscriber = client("props-sub");
        subscriber.connect();
        byte[] correlation = {(byte) 0xFF, 0x01, 0x02};
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("props/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient publisher = client("props-pub");
            publisher.connect();
            publisher.publishWith().topic("props/one").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("{\"t\":21}".getBytes(StandardCharsets.UTF_8))
                    .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8).messageExpiryInterval(600)
                    .contentType("application/json").responseTopic("props/replies").correlationData(correlation)
                    .userProperties(Mqtt5UserProperties.of(Mqtt5UserProperty.of("a", "1"),
                            Mqtt5UserProperty.of("b", "2"), Mqtt5UserProperty.of("a", "3")))
                    .send();
            Mqtt5Publish received = receive(publishes);
            assertEquals(Optional.of(Mqtt5PayloadFormatIndicator.UTF_8), received.getPayloadFormatIndicator());
            long expiry = received.getMessageExpiryInterval().orElseThrow();
            assertTrue(expiry > 0 && expiry <= 600, "the remaining interval, " + expiry);
            assertEquals("application/json", received.getContentType().orElseThrow().toString());
            assertEquals("props/replies", received.getResponseTopic().orElseThrow().toString());
            assertArrayEquals(correlation, bytes(received.getCorrelationData().orElseThrow()));
            assertEquals(List.of("a=1", "b=2", "a=3"), userProperties(received));
        }
    }

    @Test
    void anAmqpServiceAnswersAnMqtt5RequestAndTheDeviceGetsItsCorrelationDataBack() throws Exception {
        try (Connection connection = amqp(); Channel channel = connection.createChannel()) {
            channel.queueDeclare("svc-requests", false, false, true, null);
            channel.queueBind("svc-requests", "amq.topic", "svc.requests");

            Mqtt5BlockingClient device = client("device-42");
            device.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = device.publishes(MqttGlobalPublishFilter.ALL)) {
                device.subscribeWith().topicFilter("devices/42/responses").qos(MqttQos.AT_LEAST_ONCE).send();
                device.publishWith().topic("svc/requests").qos(MqttQos.AT_LEAST_ONCE)
                        .payload("{\"op\":\"status\"}".getBytes(StandardCharsets.UTF_8))
                        .contentType("application/json").responseTopic("devices/42/responses")
                        .correlationData("req-7".getBytes(StandardCharsets.UTF_8))
                        .userProperties(Mqtt5UserProperties.of(Mqtt5UserProperty.of("tenant", "acme")))
                        .send();

                AtomicReference<GetResponse> request = new AtomicReference<>();
                await().atMost(20, TimeUnit.SECONDS).until(() -> {
                    request.set(channel.basicGet("svc-requests", true));
                    return request.get() != null;
                });
                AMQP.BasicProperties asked = request.get().getProps();
                assertEquals("devices.42.responses", asked.getReplyTo(), "the response topic as a routing key");
                assertEquals("req-7", asked.getCorrelationId());
                assertEquals("application/json", asked.getContentType());
                assertEquals("acme", asked.getHeaders().get("tenant").toString());

                channel.basicPublish("amq.topic", asked.getReplyTo(), new AMQP.BasicProperties.Builder()
                        .correlationId(asked.getCorrelationId()).contentType("application/json")
                        .headers(Map.of("status", "ok")).expiration("60000").build(),
                        "{\"state\":\"running\"}".getBytes(StandardCharsets.UTF_8));

                Mqtt5Publish response = receive(publishes);
                assertEquals("devices/42/responses", response.getTopic().toString());
                assertArrayEquals("req-7".getBytes(StandardCharsets.UTF_8),
                        bytes(response.getCorrelationData().orElseThrow()));
                assertEquals("application/json", response.getContentType().orElseThrow().toString());
                assertEquals(List.of("status=ok"), userProperties(response));
                long expiry = response.getMessageExpiryInterval().orElseThrow();
                assertTrue(expiry > 0 && expiry <= 60, "expiration 60000 ms as the remaining interval: " + expiry);
                assertEquals("{\"state\":\"running\"}",
                        new String(response.getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aQueuedMessageExpiresAndTheRemainingIntervalIsForwarded() throws Exception {
        Mqtt5BlockingClient subscriber = client("expiry-sub");
        subscriber.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
        subscriber.subscribeWith().topicFilter("expiry/#").qos(MqttQos.AT_LEAST_ONCE).send();
        subscriber.disconnect();

        Mqtt5BlockingClient publisher = client("expiry-pub");
        publisher.connect();
        publisher.publishWith().topic("expiry/short").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(1)
                .payload("gone".getBytes(StandardCharsets.UTF_8)).send();
        publisher.publishWith().topic("expiry/long").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(60)
                .payload("kept".getBytes(StandardCharsets.UTF_8)).send();
        // Time passing is what is tested: the short one's interval must run out while it is queued.
        Thread.sleep(2_500);

        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
            Mqtt5Publish received = receive(publishes);
            assertEquals("expiry/long", received.getTopic().toString(), "the expired message is not sent");
            long expiry = received.getMessageExpiryInterval().orElseThrow();
            assertTrue(expiry > 0 && expiry <= 58, "60 s less the 2.5 s it waited, rounded up: " + expiry);
            assertFalse(publishes.receive(1, TimeUnit.SECONDS).isPresent());
        }
    }

    @Test
    void messagesPagedOutOfASessionQueueExpireToo() throws Exception {
        server.close();
        server = JunctionServer.start(config().with(ConfigKeys.STORAGE_QUEUE_MEMORY_LIMIT, 65_536L));
        Mqtt5BlockingClient subscriber = client("paged-sub");
        subscriber.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
        subscriber.subscribeWith().topicFilter("paged/#").qos(MqttQos.AT_LEAST_ONCE).send();
        subscriber.disconnect();

        Mqtt5BlockingClient publisher = client("paged-pub");
        publisher.connect();
        // 20 x 16 KiB: most of them wait on disk, beyond the queue's 64 KiB in memory.
        for (int i = 0; i < 20; i++) {
            publisher.publishWith().topic("paged/short").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(1)
                    .payload(new byte[16 * 1024]).send();
        }
        publisher.publishWith().topic("paged/long").qos(MqttQos.AT_LEAST_ONCE).messageExpiryInterval(60)
                .payload("kept".getBytes(StandardCharsets.UTF_8)).send();
        Thread.sleep(2_500);

        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
            Mqtt5Publish received = receive(publishes);
            assertEquals("paged/long", received.getTopic().toString(), "the 20 expired ones are not sent");
            assertFalse(publishes.receive(1, TimeUnit.SECONDS).isPresent());
        }
    }

    @Test
    void anExpiredRetainedMessageIsNotSentToNewSubscribers() throws Exception {
        Mqtt5BlockingClient publisher = client("retain-pub");
        publisher.connect();
        publisher.publishWith().topic("retained/short").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .messageExpiryInterval(1).payload("gone".getBytes(StandardCharsets.UTF_8)).send();
        publisher.publishWith().topic("retained/keep").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .contentType("text/plain").payload("kept".getBytes(StandardCharsets.UTF_8)).send();
        Thread.sleep(2_500);

        Mqtt5BlockingClient subscriber = client("retain-sub");
        subscriber.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("retained/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish received = receive(publishes);
            assertEquals("retained/keep", received.getTopic().toString());
            assertEquals("text/plain", received.getContentType().orElseThrow().toString(),
                    "a retained message keeps its properties");
            assertFalse(publishes.receive(1, TimeUnit.SECONDS).isPresent(), "the expired one is not sent");
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
