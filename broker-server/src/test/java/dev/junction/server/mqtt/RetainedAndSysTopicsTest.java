package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.PubRec;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.junction.server.mqtt.RawMqttClient.payload;
import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetainedAndSysTopicsTest {
    private MqttTestBroker broker;
    private final List<RawMqttClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker(MqttSettings.DEFAULTS.withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() throws Exception {
        for (RawMqttClient client : clients) {
            client.close();
        }
        broker.close();
    }

    private RawMqttClient connected(String clientId) throws IOException {
        RawMqttClient client = new RawMqttClient(broker.port());
        clients.add(client);
        client.connect(clientId, true);
        return client;
    }

    private static void subscribe(RawMqttClient client, String filter, int qos) throws IOException {
        client.send(new Subscribe(1, List.of(new Subscribe.Subscription(filter, MqttQos.of(qos)))));
        client.read(SubAck.class);
    }

    private static Publish retained(String topic, int qos, int packetId, String text) {
        return new Publish(topic, MqttQos.of(qos), false, true, packetId, payload(text));
    }

    @Test
    void aNewSubscriptionGetsTheLatestRetainedMessageWithRetainSet() throws Exception {
        RawMqttClient existing = connected("existing");
        subscribe(existing, "r/+", 1);
        RawMqttClient publisher = connected("pub");
        publisher.send(retained("r/a", 1, 1, "old"));
        publisher.read(PubAck.class);
        publisher.send(retained("r/a", 1, 2, "new"));
        publisher.read(PubAck.class);
        publisher.send(retained("r/gone", 0, 0, "soon deleted"));
        publisher.send(retained("r/gone", 0, 0, ""));
        // Acknowledged after the two above were handled: the connection's packets are processed in order.
        publisher.send(publish("elsewhere", 1, 3, false, "sync"));
        publisher.read(PubAck.class);

        RawMqttClient.Received forwarded = existing.readPublish();
        assertEquals("old", forwarded.payload());
        assertFalse(forwarded.retain(), "[MQTT-3.3.1-9] forwarded with RETAIN 0");
        existing.send(new PubAck(forwarded.packetId()));

        RawMqttClient late = connected("late");
        subscribe(late, "r/#", 1);
        RawMqttClient.Received received = late.readPublish();
        assertEquals(new RawMqttClient.Received("r/a", 1, false, true, received.packetId(), "new"), received);
        late.send(new PubAck(received.packetId()));
        // Nothing for r/gone: the empty retained message deleted it [MQTT-3.3.1-10].
        publisher.send(publish("r/marker", 0, 0, false, "marker"));
        assertEquals("marker", late.readPublish().payload());
    }

    @Test
    void retainedMessagesAreSentAtTheLowerOfTheirQosAndTheGrantedQos() throws Exception {
        RawMqttClient publisher = connected("pub");
        publisher.send(retained("q/two", 2, 1, "two"));
        publisher.read(PubRec.class);
        RawMqttClient subscriber = connected("sub");
        subscribe(subscriber, "q/two", 1);
        assertEquals(1, subscriber.readPublish().qos());
    }

    @Test
    void wildcardsAtTheFirstLevelDoNotMatchDollarTopics() throws Exception {
        RawMqttClient all = connected("all");
        subscribe(all, "#", 0);
        subscribe(all, "+/broker/uptime", 0);
        RawMqttClient publisher = connected("pub");
        publisher.send(publish("plain", 0, 0, false, "marker"));
        RawMqttClient.Received first = all.readPublish();
        assertEquals("plain", first.topic(), "no $SYS message (retained or pushed) may reach '#' [MQTT-4.7.2-1]");
    }

    @Test
    void sysTopicsAreRetainedAndPushedEveryInterval() throws Exception {
        RawMqttClient monitor = connected("monitor");
        subscribe(monitor, "$SYS/broker/clients/connected", 0);
        RawMqttClient.Received retained = monitor.readPublish();
        assertTrue(retained.retain());
        RawMqttClient.Received pushed = monitor.readPublish();
        assertEquals("$SYS/broker/clients/connected", pushed.topic());
        assertFalse(pushed.retain());
        assertEquals("1", pushed.payload());
    }

    @Test
    void clientsCannotPublishToSysTopics() throws Exception {
        RawMqttClient forger = connected("forger");
        forger.send(publish("$SYS/broker/version", 1, 5, false, "fake"));
        forger.read(PubAck.class);
        RawMqttClient reader = connected("reader");
        subscribe(reader, "$SYS/broker/version", 0);
        RawMqttClient.Received version = reader.readPublish();
        assertTrue(version.payload().startsWith("Junction"), version.payload());
    }

    @Test
    void resubscribingReplacesTheQosAndResendsRetainedMessages() throws Exception {
        RawMqttClient publisher = connected("pub");
        publisher.send(retained("s/state", 2, 1, "kept"));
        publisher.read(PubRec.class);
        RawMqttClient subscriber = connected("sub");
        subscribe(subscriber, "s/#", 0);
        assertEquals(0, subscriber.readPublish().qos());
        subscribe(subscriber, "s/#", 1);
        RawMqttClient.Received again = subscriber.readPublish();
        assertEquals(new RawMqttClient.Received("s/state", 1, false, true, again.packetId(), "kept"), again);
        subscriber.send(new PubAck(again.packetId()));
        publisher.send(publish("s/live", 2, 2, false, "one copy"));
        publisher.read(PubRec.class);
        RawMqttClient.Received live = subscriber.readPublish();
        assertEquals("one copy", live.payload());
        assertEquals(1, live.qos(), "[MQTT-3.8.4-3] the new subscription replaced the old one");
    }

    @Test
    void aNonRetainedPublishLeavesTheRetainedMessageAlone() throws Exception {
        RawMqttClient publisher = connected("pub");
        publisher.send(retained("k", 1, 1, "retained"));
        publisher.read(PubAck.class);
        publisher.send(publish("k", 1, 2, false, "not retained"));
        publisher.read(PubAck.class);
        publisher.close();
        RawMqttClient subscriber = connected("sub");
        subscribe(subscriber, "k", 0);
        assertEquals("retained", subscriber.readPublish().payload(),
                "[MQTT-3.3.1-12], and [MQTT-3.1.2-7]: it outlived the publisher's session");
    }
}
