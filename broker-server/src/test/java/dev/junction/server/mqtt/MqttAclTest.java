package dev.junction.server.mqtt;

import com.rabbitmq.client.ConnectionFactory;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.SubAckReturnCode;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.server.JunctionServer;
import dev.junction.server.StartupException;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.junction.mqtt.codec.SubAckReturnCode.FAILURE;
import static dev.junction.mqtt.codec.SubAckReturnCode.GRANTED_QOS_1;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mqtt.acl_file over real sockets: SUBACK, publishes, deliveries from AMQP, retained messages, wills, reloads. */
class MqttAclTest {
    private static final String ACL = """
            # anonymous clients
            topic read public/#

            user guest
            topic readwrite allowed/#
            topic deny allowed/secret
            topic read readonly/#
            topic read retained/#
            topic deny retained/hidden
            topic write will/ok

            user alice
            topic readwrite #
            pattern readwrite clients/%c/#
            """;

    @TempDir
    Path dir;
    private JunctionServer server;
    private final List<MqttClient> pahoClients = new ArrayList<>();

    private Config config(String acl) throws Exception {
        Path file = dir.resolve("acl.conf");
        Files.writeString(file, acl);
        return Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dir.resolve("data"))
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.USERS, java.util.Map.of("guest", "guest", "alice", "secret"))
                .with(ConfigKeys.MQTT_ACL_FILE, Optional.of(file))
                .with(ConfigKeys.MQTT_ACL_RELOAD_INTERVAL, 1);
    }

    private int start(Config config) throws Exception {
        server = JunctionServer.start(config);
        return server.port(Protocol.MQTT);
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient client : pahoClients) {
            if (client.isConnected()) {
                client.disconnectForcibly(1000);
            }
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private RawMqttClient guest(int port, String clientId) throws Exception {
        RawMqttClient client = new RawMqttClient(port);
        client.connect(clientId, true);
        return client;
    }

    private static List<SubAckReturnCode> subscribe(RawMqttClient client, int packetId, String... filters)
            throws Exception {
        client.send(new Subscribe(packetId, Arrays.stream(filters)
                .map(filter -> new Subscribe.Subscription(filter, MqttQos.AT_LEAST_ONCE)).toList()));
        SubAck ack = client.read(SubAck.class);
        assertEquals(packetId, ack.packetId());
        return ack.returnCodes();
    }

    /** One message to amq.topic from an AMQP client, routed before this returns (the close waits for it). */
    private void publishOverAmqp(String routingKey, String body) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        try (com.rabbitmq.client.Connection connection = factory.newConnection();
             com.rabbitmq.client.Channel channel = connection.createChannel()) {
            channel.basicPublish("amq.topic", routingKey, null, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private MqttClient alice(int port, String clientId, BlockingQueue<String> received) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        pahoClients.add(client);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("alice");
        options.setPassword("secret".toCharArray());
        options.setConnectionTimeout(5);
        client.setCallback(new ReceivedTopics(received));
        client.connect(options);
        return client;
    }

    @Test
    void aRefusedFilterGetsFailureInItsSubAckSlot() throws Exception {
        int port = start(config(ACL));
        try (RawMqttClient client = guest(port, "sub-1")) {
            assertEquals(List.of(GRANTED_QOS_1, FAILURE, GRANTED_QOS_1, FAILURE, FAILURE, GRANTED_QOS_1),
                    subscribe(client, 1, "allowed/#", "forbidden/x", "readonly/+", "#", "allowed/secret",
                            "clients/sub-1/#"), "clients/%c/# is alice's pattern, and patterns apply to all");
        }
    }

    @Test
    void aSharedSubscriptionIsCheckedOnItsFilterPart() throws Exception {
        int port = start(config(ACL));
        try (RawMqttClient client = guest(port, "shared-sub")) {
            assertEquals(List.of(GRANTED_QOS_1, FAILURE, FAILURE),
                    subscribe(client, 1, "$share/g/allowed/#", "$share/g/forbidden/x", "$share/g/allowed/secret"));
        }
    }

    @Test
    void anMqtt5PublisherIsToldNotAuthorized() throws Exception {
        int port = start(config(ACL));
        try (RawMqttClient publisher = new RawMqttClient(port)) {
            publisher.connect5("pub5", dev.junction.mqtt.codec.MqttProperties.NONE);
            publisher.send(RawMqttClient.publish("readonly/x", 1, 7, false, "no write access"));
            assertEquals(dev.junction.mqtt.codec.ReasonCode.NOT_AUTHORIZED, publisher.read(PubAck.class).reasonCode());
            publisher.send(RawMqttClient.publish("readonly/x", 2, 8, false, "no write access"));
            assertEquals(dev.junction.mqtt.codec.ReasonCode.NOT_AUTHORIZED,
                    publisher.read(dev.junction.mqtt.codec.PubRec.class).reasonCode());
            assertTrue(publisher.answersPing(), "the connection stays");
        }
    }

    @Test
    void aDeniedPublishIsAcknowledgedAndNeverReachesASubscriber() throws Exception {
        int port = start(config(ACL));
        try (RawMqttClient subscriber = guest(port, "sub");
             RawMqttClient publisher = guest(port, "pub")) {
            assertEquals(List.of(GRANTED_QOS_1, GRANTED_QOS_1), subscribe(subscriber, 1, "allowed/#", "readonly/#"));
            publisher.send(RawMqttClient.publish("readonly/x", 1, 7, false, "no write access"));
            assertEquals(7, publisher.read(PubAck.class).packetId(), "still acknowledged, as Mosquitto does");
            publisher.send(RawMqttClient.publish("allowed/secret", 1, 8, false, "denied"));
            assertEquals(8, publisher.read(PubAck.class).packetId());
            publisher.send(RawMqttClient.publish("allowed/fine", 1, 9, false, "granted"));
            assertEquals(9, publisher.read(PubAck.class).packetId());
            RawMqttClient.Received first = subscriber.readPublish();
            assertEquals("allowed/fine", first.topic(), "the denied publishes were dropped");
        }
    }

    @Test
    void deliveriesFromAmqpAreCheckedAgainstTheReadAcl() throws Exception {
        int port = start(config(ACL));
        try (RawMqttClient subscriber = guest(port, "sub")) {
            assertEquals(List.of(GRANTED_QOS_1), subscribe(subscriber, 1, "allowed/#"));
            publishOverAmqp("allowed.secret", "hidden");
            publishOverAmqp("allowed.open", "shown");
            RawMqttClient.Received first = subscriber.readPublish();
            assertEquals("allowed/open", first.topic(), "allowed/secret is withheld although allowed/# matches it");
        }
    }

    @Test
    void retainedMessagesAreDeliveredOnlyWhereReadIsAllowed() throws Exception {
        int port = start(config(ACL));
        MqttClient alice = alice(port, "alice-pub", new LinkedBlockingQueue<>());
        MqttMessage retained = new MqttMessage("kept".getBytes(StandardCharsets.UTF_8));
        retained.setRetained(true);
        retained.setQos(1);
        alice.publish("retained/hidden", retained);
        alice.publish("retained/visible", retained);
        try (RawMqttClient subscriber = guest(port, "sub")) {
            assertEquals(List.of(GRANTED_QOS_1), subscribe(subscriber, 1, "retained/#"));
            alice.publish("retained/zz-end", new MqttMessage("live".getBytes(StandardCharsets.UTF_8)));
            List<String> topics = new ArrayList<>();
            while (!topics.contains("retained/zz-end")) {
                topics.add(subscriber.readPublish().topic());
            }
            assertEquals(List.of("retained/visible", "retained/zz-end"), topics);
        }
    }

    @Test
    void aWillToAForbiddenTopicIsNotPublished() throws Exception {
        int port = start(config(ACL));
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        alice(port, "watcher", received).subscribe("will/#", 1);
        for (String topic : List.of("will/forbidden", "will/ok")) {
            RawMqttClient dying = new RawMqttClient(port);
            dying.send(RawMqttClient.connectPacket("dying-" + topic, true, 0,
                    new Connect.Will(topic, "gone".getBytes(StandardCharsets.UTF_8), MqttQos.AT_LEAST_ONCE, false)));
            dying.read();
            dying.close();
        }
        assertEquals("will/ok", received.poll(5, TimeUnit.SECONDS), "the will on will/forbidden never came");
    }

    @Test
    void disconnectModeClosesAClientThatPublishesWhereItMayNot() throws Exception {
        int port = start(config(ACL).with(ConfigKeys.MQTT_ACL_DENY_ACTION, "DISCONNECT"));
        try (RawMqttClient publisher = guest(port, "pub")) {
            publisher.send(RawMqttClient.publish("readonly/x", 1, 1, false, "no"));
            publisher.assertClosedByServer();
        }
    }

    @Test
    void aChangedFileAppliesToOpenConnectionsAndABadOneKeepsThePreviousRules() throws Exception {
        int port = start(config(ACL));
        Path file = dir.resolve("acl.conf");
        try (RawMqttClient client = guest(port, "sub")) {
            assertEquals(List.of(FAILURE), subscribe(client, 1, "later/#"));
            Files.writeString(file, ACL.replace("user guest\n", "user guest\ntopic read later/#\n"));
            int[] packetId = {2};
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    subscribe(client, packetId[0]++, "later/#").equals(List.of(GRANTED_QOS_1)));
            Files.writeString(file, "user guest\ntopik read nothing\n# made longer so the size changes too\n");
            // A broken file is reported and ignored: the rules stay, checked well after the next poll.
            await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() ->
                    subscribe(client, packetId[0]++, "later/#").equals(List.of(GRANTED_QOS_1)));
        }
    }

    /** Grants given when a connection subscribed or started publishing do not outlive a reload that takes them back. */
    @Test
    void aChangedFileAppliesToSubscriptionsAndPublishersAlreadyOpen() throws Exception {
        int port = start(config(ACL));
        try (RawMqttClient subscriber = guest(port, "sub");
             RawMqttClient publisher = guest(port, "pub")) {
            assertEquals(List.of(GRANTED_QOS_1), subscribe(subscriber, 1, "allowed/#"));
            Files.writeString(dir.resolve("acl.conf"), "user guest\ntopic readwrite marker/#\n");
            int[] packetId = {2};
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    subscribe(subscriber, packetId[0]++, "marker/#").equals(List.of(GRANTED_QOS_1)));

            publisher.send(RawMqttClient.publish("allowed/x", 1, 7, false, "write taken back"));
            assertEquals(7, publisher.read(PubAck.class).packetId());
            publishOverAmqp("allowed.y", "read taken back");
            publisher.send(RawMqttClient.publish("marker/end", 1, 8, false, "still allowed"));
            assertEquals(8, publisher.read(PubAck.class).packetId());
            assertEquals("marker/end", subscriber.readPublish().topic(),
                    "neither the publish nor the delivery the old file allowed got through");
        }
    }

    @Test
    void aBadFileStopsTheStartWithItsLineAndProblem() throws Exception {
        Config config = config("user guest\ntopic readonly a/b\n");
        StartupException e = assertThrows(StartupException.class, () -> JunctionServer.start(config));
        assertTrue(e.getMessage().contains("acl.conf:2: invalid access 'readonly'"), e.getMessage());
    }

    @Test
    void withoutAFileEverythingIsAllowed() throws Exception {
        int port = start(config(ACL).with(ConfigKeys.MQTT_ACL_FILE, Optional.empty()));
        try (RawMqttClient client = guest(port, "sub")) {
            assertEquals(List.of(GRANTED_QOS_1), subscribe(client, 1, "#"));
            client.send(RawMqttClient.publish("anything", 1, 2, false, "x"));
            assertNotNull(client.read(PubAck.class));
            assertFalse(client.readPublish().topic().isEmpty());
        }
    }

    private record ReceivedTopics(BlockingQueue<String> received)
            implements org.eclipse.paho.client.mqttv3.MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(topic);
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
        }
    }
}
