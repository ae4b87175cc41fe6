package dev.junction.server.mqtt;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PingReq;
import dev.junction.mqtt.codec.PingResp;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.PubComp;
import dev.junction.mqtt.codec.PubRec;
import dev.junction.mqtt.codec.PubRel;
import dev.junction.mqtt.codec.Publish;
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
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon with the log engine, closed and started again on the same data directory: persistent sessions (their
 * subscriptions with granted QoS, queued QoS 1/2 messages, inbound QoS 2 identifiers awaiting PUBREL, outbound QoS 2
 * identifiers with their PUBLISH or owed PUBREL) and retained messages are there again.
 */
class MqttStateSurvivesRestartTest {
    @TempDir
    Path dataDir;
    private JunctionServer server;
    private UnaryOperator<Config> settings = UnaryOperator.identity();

    private RawMqttClient client() throws Exception {
        if (server == null) {
            server = JunctionServer.start(settings.apply(Config.defaults()
                    .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                    .with(ConfigKeys.DATA_DIR, dataDir)
                    .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                    .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                    .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)));
        }
        return new RawMqttClient(server.port(Protocol.MQTT));
    }

    private void restart() {
        server.close();
        server = null;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void subscribe(RawMqttClient client, String filter, int qos) throws IOException {
        client.send(new Subscribe(1, List.of(new Subscribe.Subscription(filter, MqttQos.of(qos)))));
        assertEquals(qos, client.read(SubAck.class).returnCodes().get(0).value());
    }

    @Test
    void aPersistentSessionKeepsItsSubscriptionsAndQueuedMessages() throws Exception {
        try (RawMqttClient subscriber = client()) {
            subscriber.connect("keeper", false);
            subscribe(subscriber, "one/#", 1);
            subscribe(subscriber, "two/+", 2);
            subscriber.send(Disconnect.INSTANCE);
        }
        try (RawMqttClient publisher = client()) {
            publisher.connect("publisher", true);
            publisher.send(publish("one/a", 1, 1, false, "queued-qos1"));
            publisher.read(PubAck.class);
            publisher.send(publish("two/b", 2, 2, false, "queued-qos2"));
            publisher.read(PubRec.class);
            publisher.send(new PubRel(2));
            publisher.read(PubComp.class);
        }
        restart();
        try (RawMqttClient subscriber = client()) {
            assertTrue(subscriber.connect("keeper", false).sessionPresent(), "session present after restart");
            RawMqttClient.Received first = subscriber.readPublish();
            assertEquals(List.of("one/a", "queued-qos1", 1), List.of(first.topic(), first.payload(), first.qos()));
            subscriber.send(new PubAck(first.packetId()));
            RawMqttClient.Received second = subscriber.readPublish();
            assertEquals(List.of("two/b", "queued-qos2", 2), List.of(second.topic(), second.payload(), second.qos()));
            subscriber.send(new PubRec(second.packetId()));
            subscriber.read(PubRel.class);
            subscriber.send(new PubComp(second.packetId()));

            try (RawMqttClient publisher = client()) {
                publisher.connect("publisher", true);
                publisher.send(publish("two/c", 1, 3, false, "after-restart"));
                publisher.read(PubAck.class);
            }
            RawMqttClient.Received live = subscriber.readPublish();
            assertEquals(List.of("two/c", "after-restart", 1), List.of(live.topic(), live.payload(), live.qos()));
            subscriber.send(new PubAck(live.packetId()));
        }
    }

    @Test
    void subscriptionsComeBackAsMqttFiltersWithTheirGrantedQos() throws Exception {
        try (RawMqttClient subscriber = client()) {
            subscriber.connect("literal", false);
            // One QoS for both: before MQTT bindings, that made the session skip its own re-match.
            subscribe(subscriber, "s/*", 1);
            subscribe(subscriber, "+/x", 1);
            subscriber.send(Disconnect.INSTANCE);
        }
        restart();
        try (RawMqttClient subscriber = client()) {
            assertTrue(subscriber.connect("literal", false).sessionPresent());
            try (RawMqttClient publisher = client()) {
                publisher.connect("literal-publisher", true);
                int packetId = 1;
                for (String topic : List.of("s/secret", "$app/x", "s/*", "m/x")) {
                    publisher.send(publish(topic, 2, packetId, false, topic));
                    publisher.read(PubRec.class);
                    publisher.send(new PubRel(packetId));
                    publisher.read(PubComp.class);
                    packetId++;
                }
            }
            // The filters are still literal and still keep '$' topics from '+', and still grant QoS 1.
            RawMqttClient.Received first = subscriber.readPublish();
            assertEquals(List.of("s/*", 1), List.of(first.topic(), first.qos()));
            RawMqttClient.Received second = subscriber.readPublish();
            assertEquals(List.of("m/x", 1), List.of(second.topic(), second.qos()));
        }
    }

    @Test
    void aSessionStoredWithAmqpSyntaxBindingsGetsMqttBindingsAtItsFirstConnection() throws Exception {
        try (RawMqttClient subscriber = client()) {
            subscriber.connect("upgraded", false);
            subscribe(subscriber, "s/*", 1);
            subscriber.send(Disconnect.INSTANCE);
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setPort(server.port(Protocol.AMQP));
        try (Connection amqp = factory.newConnection()) {
            // What a version before MQTT bindings stored: the filter translated to an AMQP binding key.
            Channel channel = amqp.createChannel();
            channel.queueUnbind("mqtt-subscription-upgraded", "amq.topic", "s/*",
                    Map.of("x-mqtt-subscription-qos", 1));
            channel.queueBind("mqtt-subscription-upgraded", "amq.topic", "s.*");
        }
        restart();
        try (RawMqttClient subscriber = client()) {
            assertTrue(subscriber.connect("upgraded", false).sessionPresent());
            factory.setPort(server.port(Protocol.AMQP));
            try (Connection amqp = factory.newConnection()) {
                Channel channel = amqp.createChannel();
                BlockingQueue<String> returned = new LinkedBlockingQueue<>();
                channel.addReturnListener(unroutable -> returned.add(unroutable.getRoutingKey()));
                channel.basicPublish("amq.topic", "s.secret", true, null, "hidden".getBytes(StandardCharsets.UTF_8));
                channel.basicPublish("amq.topic", "s.*", true, null, "shown".getBytes(StandardCharsets.UTF_8));
                // The old binding is gone (s.secret reaches no queue); the filter is an MQTT binding again.
                assertEquals("s.secret", returned.poll(10, TimeUnit.SECONDS));
                RawMqttClient.Received received = subscriber.readPublish();
                assertEquals(List.of("s/*", "shown", 1), List.of(received.topic(), received.payload(), received.qos()));
            }
        }
    }

    @Test
    void aCleanSessionDiscardsTheRecoveredOne() throws Exception {
        try (RawMqttClient subscriber = client()) {
            subscriber.connect("forgetful", false);
            subscribe(subscriber, "gone/#", 1);
        }
        restart();
        try (RawMqttClient subscriber = client()) {
            assertFalse(subscriber.connect("forgetful", true).sessionPresent());
        }
        try (RawMqttClient subscriber = client()) {
            assertFalse(subscriber.connect("forgetful", false).sessionPresent());
        }
        restart();
        try (RawMqttClient subscriber = client()) {
            assertTrue(subscriber.connect("forgetful", false).sessionPresent(),
                    "the new persistent session is stored in turn");
        }
    }

    @Test
    void aSessionQueueLeftWithoutItsSessionRecordIsDeletedAtStartSoACleanSessionCanStart() throws Exception {
        client().close();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setPort(server.port(Protocol.AMQP));
        try (Connection amqp = factory.newConnection()) {
            // What a crash between declaring a persistent session's queue and recording the session leaves.
            amqp.createChannel().queueDeclare("mqtt-subscription-orphan", true, false, false, Map.of(
                    "x-max-length", 1000, "x-overflow", "drop-transient-first"));
        }
        restart();
        try (RawMqttClient orphan = client()) {
            assertFalse(orphan.connect("orphan", true).sessionPresent());
        }
    }

    @Test
    void retainedMessagesSurviveAndAnEmptyPayloadDeletesOne() throws Exception {
        try (RawMqttClient publisher = client()) {
            publisher.connect("retainer", true);
            publisher.send(new Publish("kept/a", MqttQos.AT_LEAST_ONCE, false, true, 1,
                    RawMqttClient.payload("kept")));
            publisher.read(PubAck.class);
            publisher.send(new Publish("kept/b", MqttQos.AT_LEAST_ONCE, false, true, 2,
                    RawMqttClient.payload("deleted")));
            publisher.read(PubAck.class);
            publisher.send(new Publish("kept/b", MqttQos.AT_LEAST_ONCE, false, true, 3,
                    RawMqttClient.payload("")));
            publisher.read(PubAck.class);
        }
        restart();
        try (RawMqttClient subscriber = client()) {
            subscriber.connect("reader", true);
            subscribe(subscriber, "kept/#", 1);
            RawMqttClient.Received retained = subscriber.readPublish();
            assertEquals(List.of("kept/a", "kept", 1, true),
                    List.of(retained.topic(), retained.payload(), retained.qos(), retained.retain()));
            subscriber.send(new PubAck(retained.packetId()));
            // The next thing is the answer to a PINGREQ, not a retained message on kept/b.
            subscriber.send(PingReq.INSTANCE);
            subscriber.read(PingResp.class);
        }
    }

    @Test
    void anInboundQos2IdentifierAwaitingPubrelSurvivesSoTheResendIsNotRoutedTwice() throws Exception {
        try (RawMqttClient watcher = client()) {
            watcher.connect("watcher", false);
            subscribe(watcher, "exactly/#", 2);
        }
        try (RawMqttClient publisher = client()) {
            publisher.connect("exact-publisher", false);
            publisher.send(publish("exactly/once", 2, 5, false, "once"));
            publisher.read(PubRec.class);
        }
        restart();
        try (RawMqttClient publisher = client()) {
            assertTrue(publisher.connect("exact-publisher", false).sessionPresent());
            publisher.send(publish("exactly/once", 2, 5, true, "once"));
            assertEquals(5, publisher.read(PubRec.class).packetId());
            publisher.send(new PubRel(5));
            assertEquals(5, publisher.read(PubComp.class).packetId());
            // With the flow complete the identifier is free: a new message with it is routed.
            publisher.send(publish("exactly/end", 2, 5, false, "end"));
            publisher.read(PubRec.class);
            publisher.send(new PubRel(5));
            publisher.read(PubComp.class);
        }
        try (RawMqttClient watcher = client()) {
            assertTrue(watcher.connect("watcher", false).sessionPresent());
            assertEquals("once", watcher.readPublish().payload());
            assertEquals("end", watcher.readPublish().payload(), "the resend was routed a second time");
        }
    }

    @Test
    void anOutboundQos2PublishNotYetAcknowledgedIsResentWithItsIdentifierAfterARestart() throws Exception {
        int packetId;
        try (RawMqttClient receiver = client()) {
            receiver.connect("exact-receiver", false);
            subscribe(receiver, "resume/#", 2);
            try (RawMqttClient publisher = client()) {
                publisher.connect("resume-publisher", true);
                // One acknowledged message first, so that the identifier to resume is not the one a fresh start picks.
                publisher.send(publish("resume/warm-up", 1, 2, false, "warm-up"));
                publisher.read(PubAck.class);
                publisher.send(publish("resume/a", 2, 1, false, "first"));
                publisher.read(PubRec.class);
                publisher.send(new PubRel(1));
                publisher.read(PubComp.class);
            }
            receiver.send(new PubAck(receiver.readPublish().packetId()));
            RawMqttClient.Received sent = receiver.readPublish();
            assertEquals(List.of("first", 2, false), List.of(sent.payload(), sent.qos(), sent.dup()));
            packetId = sent.packetId();
            // The receiver may have passed it on already (and its PUBREC lost in the crash): it must see the same id.
        }
        restart();
        try (RawMqttClient receiver = client()) {
            assertTrue(receiver.connect("exact-receiver", false).sessionPresent());
            RawMqttClient.Received resent = receiver.readPublish();
            assertEquals(List.of("first", 2, true, packetId),
                    List.of(resent.payload(), resent.qos(), resent.dup(), resent.packetId()));
            receiver.send(new PubRec(packetId));
            assertEquals(packetId, receiver.read(PubRel.class).packetId());
            receiver.send(new PubComp(packetId));
            receiver.send(PingReq.INSTANCE);
            receiver.read(PingResp.class);
        }
    }

    @Test
    void aPubrelOwedForAnOutboundQos2PublishIsSentAfterARestartAndNothingIsRedelivered() throws Exception {
        int packetId;
        try (RawMqttClient receiver = client()) {
            receiver.connect("owed-receiver", false);
            subscribe(receiver, "owed/#", 2);
            try (RawMqttClient publisher = client()) {
                publisher.connect("owed-publisher", true);
                publisher.send(publish("owed/a", 2, 1, false, "once"));
                publisher.read(PubRec.class);
                publisher.send(new PubRel(1));
                publisher.read(PubComp.class);
            }
            packetId = receiver.readPublish().packetId();
            receiver.send(new PubRec(packetId));
            assertEquals(packetId, receiver.read(PubRel.class).packetId());
            // No PUBCOMP: the client still holds the identifier and waits for the PUBREL.
        }
        restart();
        try (RawMqttClient receiver = client()) {
            assertTrue(receiver.connect("owed-receiver", false).sessionPresent());
            assertEquals(packetId, receiver.read(PubRel.class).packetId());
            receiver.send(new PubComp(packetId));
            // Next comes the answer to a PINGREQ, not the message again.
            receiver.send(PingReq.INSTANCE);
            receiver.read(PingResp.class);
        }
        restart();
        try (RawMqttClient receiver = client()) {
            assertTrue(receiver.connect("owed-receiver", false).sessionPresent());
            // PUBCOMP completed the flow for good: no PUBREL after this restart.
            receiver.send(PingReq.INSTANCE);
            receiver.read(PingResp.class);
        }
    }

    @Test
    void aStoredSessionResumesAfterItsQueueSettingsChanged() throws Exception {
        try (RawMqttClient subscriber = client()) {
            subscriber.connect("settled", false);
            subscribe(subscriber, "settled/#", 1);
        }
        restart();
        settings = config -> config.with(ConfigKeys.MQTT_MAX_QUEUED_MESSAGES, 10)
                .with(ConfigKeys.MQTT_SLOW_SUBSCRIBER, "drop");
        try (RawMqttClient subscriber = client()) {
            assertTrue(subscriber.connect("settled", false).sessionPresent(), "not refused for its old queue");
            try (RawMqttClient publisher = client()) {
                publisher.connect("settler", true);
                publisher.send(publish("settled/a", 1, 1, false, "still here"));
                publisher.read(PubAck.class);
            }
            assertEquals("still here", subscriber.readPublish().payload());
        }
    }
}
