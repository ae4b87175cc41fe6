package dev.junction.server.mqtt;

import dev.junction.core.queue.Queue;
import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.PubComp;
import dev.junction.mqtt.codec.PubRec;
import dev.junction.mqtt.codec.PubRel;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.SubAckReturnCode;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.mqtt.codec.UnsubAck;
import dev.junction.mqtt.codec.Unsubscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions, QoS flows and wills, checked packet by packet with a raw client. */
class MqttSessionRulesTest {
    private MqttTestBroker broker;
    private final List<RawMqttClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RawMqttClient client : clients) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private void start(MqttSettings settings) throws Exception {
        broker = new MqttTestBroker(settings);
    }

    private RawMqttClient client() throws IOException {
        RawMqttClient client = new RawMqttClient(broker.port());
        clients.add(client);
        return client;
    }

    private RawMqttClient connected(String clientId, boolean cleanSession) throws IOException {
        RawMqttClient client = client();
        client.connect(clientId, cleanSession);
        return client;
    }

    private static void subscribe(RawMqttClient client, String filter, int qos) throws IOException {
        client.send(new Subscribe(1, List.of(new Subscribe.Subscription(filter, MqttQos.of(qos)))));
        SubAck ack = client.read(SubAck.class);
        assertEquals(List.of(SubAckReturnCode.granted(MqttQos.of(qos))), ack.returnCodes());
    }

    @Test
    void qos2ResentBeforePubRelIsRoutedOnce() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient subscriber = connected("sub", true);
        subscribe(subscriber, "t", 0);
        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("t", 2, 7, false, "once"));
        assertEquals(7, publisher.read(PubRec.class).packetId());
        publisher.send(publish("t", 2, 7, true, "once"));
        assertEquals(7, publisher.read(PubRec.class).packetId());
        publisher.send(new PubRel(7));
        assertEquals(7, publisher.read(PubComp.class).packetId());
        // After PUBCOMP the identifier is free again: the same id is a new message [MQTT-4.3.3-2].
        publisher.send(publish("t", 2, 7, false, "marker"));
        assertEquals(7, publisher.read(PubRec.class).packetId());

        RawMqttClient.Received once = subscriber.readPublish();
        assertEquals("once", once.payload());
        assertFalse(once.dup(), "[MQTT-3.3.1-3] the incoming DUP is not propagated");
        assertEquals("marker", subscriber.readPublish().payload());
    }

    @Test
    void unacknowledgedPublishesAreResentWithDupAndTheSameIdsAfterReconnect() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient subscriber = connected("persistent", false);
        subscribe(subscriber, "t/+", 2);
        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("t/1", 1, 1, false, "qos1"));
        publisher.read(PubAck.class);
        publisher.send(publish("t/2", 2, 2, false, "qos2"));
        publisher.read(PubRec.class);
        publisher.send(publish("t/3", 2, 3, false, "qos2-released"));
        publisher.read(PubRec.class);

        RawMqttClient.Received first = subscriber.readPublish();
        RawMqttClient.Received second = subscriber.readPublish();
        RawMqttClient.Received third = subscriber.readPublish();
        assertFalse(first.dup());
        assertEquals(List.of("qos1", "qos2", "qos2-released"),
                List.of(first.payload(), second.payload(), third.payload()));
        // The third reaches PUBREC; the server answers PUBREL, which is left unanswered.
        subscriber.send(new PubRec(third.packetId()));
        assertEquals(third.packetId(), subscriber.read(PubRel.class).packetId());
        subscriber.close();

        RawMqttClient again = client();
        ConnAck ack = again.connect("persistent", false);
        assertTrue(ack.sessionPresent());
        RawMqttClient.Received resentFirst = again.readPublish();
        RawMqttClient.Received resentSecond = again.readPublish();
        assertEquals(new RawMqttClient.Received("t/1", 1, true, false, first.packetId(), "qos1"), resentFirst);
        assertEquals(new RawMqttClient.Received("t/2", 2, true, false, second.packetId(), "qos2"), resentSecond);
        assertEquals(third.packetId(), again.read(PubRel.class).packetId());

        again.send(new PubAck(first.packetId()));
        again.send(new PubRec(second.packetId()));
        assertEquals(second.packetId(), again.read(PubRel.class).packetId());
        again.send(new PubComp(second.packetId()));
        again.send(new PubComp(third.packetId()));
        await().atMost(5, TimeUnit.SECONDS).until(() -> sessionQueue("persistent").unsettledCount() == 0);
    }

    private Queue sessionQueue(String clientId) {
        return broker.core.virtualHost("/").queue("mqtt-subscription-" + clientId);
    }

    @Test
    void aPersistentSessionCollectsWhileOfflineAndACleanOneForgets() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient subscriber = connected("keeper", false);
        subscribe(subscriber, "news", 1);
        subscriber.close();
        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("news", 1, 1, false, "while away"));
        publisher.read(PubAck.class);

        RawMqttClient back = client();
        assertTrue(back.connect("keeper", false).sessionPresent());
        RawMqttClient.Received received = back.readPublish();
        assertEquals("while away", received.payload());
        assertFalse(received.dup(), "never sent before, so no DUP");
        back.send(new PubAck(received.packetId()));
        back.close();

        // A clean connection discards the session [MQTT-3.1.2-6]; CONNACK says no session [MQTT-3.2.2-1].
        RawMqttClient clean = client();
        assertFalse(clean.connect("keeper", true).sessionPresent());
        clean.close();
        RawMqttClient fresh = client();
        assertFalse(fresh.connect("keeper", false).sessionPresent());
        publisher.send(publish("news", 1, 2, false, "unseen"));
        publisher.read(PubAck.class);
        subscribe(fresh, "other", 0);
        publisher.send(publish("other", 0, 0, false, "marker"));
        assertEquals("marker", fresh.readPublish().payload());
    }

    @Test
    void sessionsExpire() throws Exception {
        start(MqttSettings.DEFAULTS.withSessionExpiry(Duration.ofMillis(200)));
        RawMqttClient subscriber = connected("short-lived", false);
        subscribe(subscriber, "a", 1);
        subscriber.close();
        await().atMost(5, TimeUnit.SECONDS).until(() -> sessionQueue("short-lived") == null);
        assertFalse(client().connect("short-lived", false).sessionPresent());
    }

    @Test
    void aSecondConnectionWithTheSameIdTakesTheSessionOverAndPublishesTheWill() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient watcher = connected("watcher", true);
        subscribe(watcher, "wills/#", 1);
        RawMqttClient first = client();
        first.send(RawMqttClient.connectPacket("device", false, 0,
                new Connect.Will("wills/device", "gone".getBytes(StandardCharsets.UTF_8), MqttQos.AT_LEAST_ONCE,
                        false)));
        first.read(ConnAck.class);
        subscribe(first, "cmd", 1);

        RawMqttClient second = client();
        assertTrue(second.connect("device", false).sessionPresent());
        first.assertClosedByServer();
        RawMqttClient.Received will = watcher.readPublish();
        assertEquals("wills/device", will.topic());
        assertEquals("gone", will.payload());
        assertEquals(1, will.qos());

        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("cmd", 1, 1, false, "to the new connection"));
        assertEquals("to the new connection", second.readPublish().payload());
    }

    @Test
    void theWillIsPublishedOnAbruptCloseButNotAfterDisconnect() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient watcher = connected("watcher", true);
        subscribe(watcher, "wills/+", 0);

        RawMqttClient polite = client();
        polite.send(RawMqttClient.connectPacket("polite", true, 0,
                new Connect.Will("wills/polite", "x".getBytes(StandardCharsets.UTF_8), MqttQos.AT_MOST_ONCE, false)));
        polite.read(ConnAck.class);
        polite.send(Disconnect.INSTANCE);
        polite.assertClosedByServer();

        RawMqttClient abrupt = client();
        abrupt.send(RawMqttClient.connectPacket("abrupt", true, 0,
                new Connect.Will("wills/abrupt", "lost".getBytes(StandardCharsets.UTF_8), MqttQos.AT_MOST_ONCE,
                        true)));
        abrupt.read(ConnAck.class);
        abrupt.close();

        RawMqttClient.Received will = watcher.readPublish();
        assertEquals("wills/abrupt", will.topic());
        assertFalse(will.retain(), "forwarded to an existing subscription with RETAIN 0 [MQTT-3.3.1-9]");
        // The will was retained: a new subscriber sees it with RETAIN 1.
        RawMqttClient late = connected("late", true);
        subscribe(late, "wills/#", 0);
        RawMqttClient.Received retained = late.readPublish();
        assertEquals("lost", retained.payload());
        assertTrue(retained.retain());
    }

    @Test
    void keepAliveTimeoutClosesAndPublishesTheWill() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient watcher = connected("watcher", true);
        subscribe(watcher, "wills/+", 0);
        RawMqttClient silent = client();
        silent.send(RawMqttClient.connectPacket("silent", true, 1,
                new Connect.Will("wills/silent", "timeout".getBytes(StandardCharsets.UTF_8), MqttQos.AT_MOST_ONCE,
                        false)));
        silent.read(ConnAck.class);
        long start = System.nanoTime();
        silent.assertClosedByServer();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMillis >= 1400, "closed after " + elapsedMillis + " ms, before 1.5 x keep alive");
        assertEquals("timeout", watcher.readPublish().payload());
    }

    @Test
    void overlappingSubscriptionsDeliverOneCopyAtTheHighestQos() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient subscriber = connected("overlap", true);
        subscriber.send(new Subscribe(3, List.of(new Subscribe.Subscription("a/#", MqttQos.AT_MOST_ONCE),
                new Subscribe.Subscription("a/+", MqttQos.EXACTLY_ONCE),
                new Subscribe.Subscription("a/b", MqttQos.AT_LEAST_ONCE))));
        assertEquals(List.of(SubAckReturnCode.GRANTED_QOS_0, SubAckReturnCode.GRANTED_QOS_2,
                SubAckReturnCode.GRANTED_QOS_1), subscriber.read(SubAck.class).returnCodes());
        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("a/b", 2, 1, false, "one"));
        publisher.read(PubRec.class);
        publisher.send(publish("a/b/c", 1, 2, false, "deep"));
        publisher.read(PubAck.class);

        RawMqttClient.Received one = subscriber.readPublish();
        assertEquals("one", one.payload());
        assertEquals(2, one.qos());
        RawMqttClient.Received deep = subscriber.readPublish();
        assertEquals("deep", deep.payload());
        assertEquals(0, deep.qos(), "only a/# (QoS 0) matches a/b/c");
    }

    @Test
    void unsubscribeIsAnsweredAndStopsDelivery() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient subscriber = connected("unsub", true);
        subscribe(subscriber, "x/+", 0);
        subscribe(subscriber, "y", 0);
        subscriber.send(new Unsubscribe(9, List.of("x/+", "never/subscribed")));
        assertEquals(9, subscriber.read(UnsubAck.class).packetId());
        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("x/1", 0, 0, false, "dropped"));
        publisher.send(publish("y", 0, 0, false, "kept"));
        assertEquals("kept", subscriber.readPublish().payload());
    }

    @Test
    void inFlightWindowBoundsUnacknowledgedDeliveries() throws Exception {
        start(MqttSettings.DEFAULTS.withLimits(2, 1000));
        RawMqttClient subscriber = connected("slow", true);
        subscribe(subscriber, "w", 1);
        RawMqttClient publisher = connected("pub", true);
        for (int i = 1; i <= 4; i++) {
            publisher.send(publish("w", 1, i, false, "m" + i));
            publisher.read(PubAck.class);
        }
        RawMqttClient.Received m1 = subscriber.readPublish();
        RawMqttClient.Received m2 = subscriber.readPublish();
        assertEquals(List.of("m1", "m2"), List.of(m1.payload(), m2.payload()));
        await().atMost(5, TimeUnit.SECONDS).until(() -> sessionQueue("slow").readyCount() == 2);
        assertEquals(2, sessionQueue("slow").unsettledCount());
        subscriber.send(new PubAck(m1.packetId()));
        assertEquals("m3", subscriber.readPublish().payload());
    }

    @Test
    void theOfflineQueueIsBoundedAndDropsQos0First() throws Exception {
        start(MqttSettings.DEFAULTS.withLimits(32, 3));
        RawMqttClient subscriber = connected("bounded", false);
        subscribe(subscriber, "b", 1);
        subscriber.close();
        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.mqtt.clientsConnected() == 0);
        RawMqttClient publisher = connected("pub", true);
        String[][] sends = {{"1", "q1a"}, {"0", "q0a"}, {"0", "q0b"}, {"1", "q1b"}, {"0", "q0c"}};
        int id = 1;
        for (String[] send : sends) {
            int qos = Integer.parseInt(send[0]);
            publisher.send(publish("b", qos, qos == 0 ? 0 : id++, false, send[1]));
            if (qos == 1) {
                publisher.read(PubAck.class);
            }
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> sessionQueue("bounded").droppedCount() == 2);
        RawMqttClient back = client();
        back.connect("bounded", false);
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawMqttClient.Received message = back.readPublish();
            received.add(message.payload());
            if (message.qos() == 1) {
                back.send(new PubAck(message.packetId()));
            }
        }
        assertEquals(List.of("q1a", "q1b", "q0c"), received);
    }

    @Test
    void unsubscribingLetsAStartedDeliveryComplete() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient subscriber = connected("leaving", true);
        subscribe(subscriber, "u", 1);
        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("u", 1, 1, false, "started"));
        RawMqttClient.Received started = subscriber.readPublish();
        subscriber.send(new Unsubscribe(2, List.of("u")));
        subscriber.read(UnsubAck.class);
        subscriber.send(new PubAck(started.packetId()));
        // [MQTT-3.10.4-3] the PUBACK still settles the delivery in the session's queue.
        await().atMost(5, TimeUnit.SECONDS).until(() -> sessionQueue("leaving").unsettledCount() == 0);
        assertEquals(0, sessionQueue("leaving").readyCount());
    }

    @Test
    void rapidReconnectsAndTakeoversWithOneClientIdAlwaysGetAConnAck() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient previous = null;
        for (int i = 0; i < 40; i++) {
            boolean cleanSession = i % 3 != 0;
            if (previous != null && i % 2 == 0) {
                previous.close(); // an abrupt close racing with the next CONNECT; otherwise a takeover
            }
            RawMqttClient client = client();
            client.connect("bouncer", cleanSession);
            subscribe(client, "b/" + i, 1);
            previous = client;
        }
        previous.close();
        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.mqtt.clientsConnected() == 0);
        // The last connection was persistent or clean; either way at most its session remains.
        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.mqtt.sessionCount() <= 1);
        assertTrue(broker.core.virtualHost("/").queues().size() <= 1, "no session queue is left behind");
    }
}
