package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 5 connections and sessions over real sockets, byte-exact (the project's codec as the client): CONNACK's
 * properties, Clean Start with the Session Expiry Interval, DISCONNECT from either side with its reason, wills with
 * their delay, refusals with reason codes; and MQTT 3.1.1 clients seeing none of it.
 */
class Mqtt5SessionTest {
    private MqttTestBroker broker;
    private final List<RawMqttClient> clients = new ArrayList<>();

    private void start(MqttSettings settings) throws Exception {
        broker = new MqttTestBroker(settings);
    }

    @AfterEach
    void stop() throws Exception {
        for (RawMqttClient client : clients) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private RawMqttClient v5() throws IOException {
        RawMqttClient client = new RawMqttClient(broker.port()).mqtt5();
        clients.add(client);
        return client;
    }

    private RawMqttClient v311() throws IOException {
        RawMqttClient client = new RawMqttClient(broker.port());
        clients.add(client);
        return client;
    }

    private static Connect connect(String clientId, boolean cleanStart, int keepAlive, Connect.Will will,
                                   MqttProperties properties) {
        return new Connect(MqttProtocolVersion.MQTT_5, cleanStart, keepAlive, clientId, will, "guest",
                "guest".getBytes(StandardCharsets.UTF_8), properties);
    }

    private static MqttProperties expiry(long seconds) {
        return MqttProperties.builder().sessionExpiryInterval(seconds).build();
    }

    /** Connects and returns the CONNACK, asserting success. */
    private static ConnAck accepted(RawMqttClient client, Connect connect) throws IOException {
        client.send(connect);
        ConnAck ack = client.read(ConnAck.class);
        assertEquals(ReasonCode.SUCCESS, ack.reasonCode(), "CONNACK " + ack);
        return ack;
    }

    private static Connect.Will will(String topic, long delaySeconds) {
        MqttProperties properties = delaySeconds == 0 ? MqttProperties.NONE
                : MqttProperties.builder().willDelayInterval(delaySeconds).build();
        return new Connect.Will(topic, "gone".getBytes(StandardCharsets.UTF_8), MqttQos.AT_LEAST_ONCE, false,
                properties);
    }

    /** A 3.1.1 subscriber to {@code wills/#}. */
    private RawMqttClient watcher() throws IOException {
        RawMqttClient watcher = v311();
        watcher.connect("watcher", true);
        subscribe(watcher, "wills/#");
        return watcher;
    }

    private static void subscribe(RawMqttClient client, String filter) throws IOException {
        client.send(new Subscribe(1, List.of(new Subscribe.Subscription(filter, MqttQos.AT_LEAST_ONCE))));
        client.read(SubAck.class);
    }

    /** A marker published after the event under test: the watcher sees it first if nothing came before it. */
    private void publishMarker() throws IOException {
        RawMqttClient publisher = v311();
        publisher.connect("marker", true);
        publisher.send(publish("wills/marker", 1, 1, false, "marker"));
        publisher.read(PubAck.class);
    }

    private boolean sessionQueueExists(String clientId) {
        return broker.core.virtualHost("/").queue(MqttSession.queueName(clientId)) != null;
    }

    // ---- CONNACK ----

    @Test
    void connAckAnnouncesWhatTheBrokerSupportsAndAssignsAnIdentifier() throws Exception {
        start(MqttSettings.DEFAULTS);
        // [MQTT-3.1.3-6, MQTT-3.1.3-7] an empty identifier, even with Clean Start 0, gets one assigned.
        MqttProperties properties = accepted(v5(), connect("", false, 30, null, MqttProperties.NONE)).properties();
        assertTrue(properties.assignedClientIdentifier().orElseThrow().startsWith("junction-"));
        assertEquals(1024, properties.receiveMaximum().getAsInt());
        assertEquals(64, properties.topicAliasMaximum().getAsInt());
        assertEquals(16 * 1024 * 1024, properties.maximumPacketSize().getAsLong());
        assertEquals(true, properties.retainAvailable().orElseThrow());
        assertEquals(true, properties.wildcardSubscriptionAvailable().orElseThrow());
        assertEquals(true, properties.subscriptionIdentifiersAvailable().orElseThrow());
        assertEquals(true, properties.sharedSubscriptionAvailable().orElseThrow());
        assertTrue(properties.maximumQos().isEmpty(), "QoS 2 is supported: no Maximum QoS");
        assertTrue(properties.serverKeepAlive().isEmpty(), "the client's keep alive stands");
        assertTrue(properties.sessionExpiryInterval().isEmpty(), "the client's session expiry stands");
        assertTrue(properties.responseInformation().isEmpty(), "not requested [MQTT-3.1.2-28]");

        ConnAck named = accepted(v5(), connect("named", true, 0, null, MqttProperties.NONE));
        assertTrue(named.properties().assignedClientIdentifier().isEmpty());
    }

    @Test
    void theServerKeepAliveHoldsAClientToTheBrokersMaximum() throws Exception {
        start(MqttSettings.DEFAULTS.withMqtt5(new MqttSettings.Mqtt5Limits(1024, 64, 5)));
        assertEquals(5, accepted(v5(), connect("none", true, 0, null, MqttProperties.NONE))
                .properties().serverKeepAlive().getAsInt());
        assertEquals(5, accepted(v5(), connect("long", true, 600, null, MqttProperties.NONE))
                .properties().serverKeepAlive().getAsInt());
        assertTrue(accepted(v5(), connect("short", true, 3, null, MqttProperties.NONE))
                .properties().serverKeepAlive().isEmpty());
    }

    @Test
    void theBrokerHoldsAClientToTheServerKeepAliveItAnnounced() throws Exception {
        start(MqttSettings.DEFAULTS.withMqtt5(new MqttSettings.Mqtt5Limits(1024, 64, 1)));
        RawMqttClient client = v5();
        long connected = System.nanoTime();
        assertEquals(1, accepted(client, connect("idle", true, 0, null, MqttProperties.NONE))
                .properties().serverKeepAlive().getAsInt());
        assertEquals(ReasonCode.KEEP_ALIVE_TIMEOUT, client.read(Disconnect.class).reasonCode());
        assertTrue(System.nanoTime() - connected >= TimeUnit.MILLISECONDS.toNanos(1400), "one and a half of it");
    }

    @Test
    void aSessionExpiryAboveTheBrokersMaximumIsCappedAndAnnounced() throws Exception {
        start(MqttSettings.DEFAULTS.withSessionExpiry(Duration.ofSeconds(100)));
        assertEquals(100, accepted(v5(), connect("forever", true, 0, null, expiry(SessionExpiry.NEVER)))
                .properties().sessionExpiryInterval().getAsLong());
        assertTrue(accepted(v5(), connect("within", true, 0, null, expiry(50)))
                .properties().sessionExpiryInterval().isEmpty());
    }

    // ---- refusals ----

    @Test
    void refusalsCarryMqtt5ReasonCodes() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient scram = v5();
        scram.send(connect("scram", true, 0, null,
                MqttProperties.builder().authenticationMethod("SCRAM-SHA-1").build()));
        assertEquals(ReasonCode.BAD_AUTHENTICATION_METHOD, scram.read(ConnAck.class).reasonCode());
        scram.assertClosedByServer();

        RawMqttClient wrong = v5();
        wrong.send(new Connect(MqttProtocolVersion.MQTT_5, true, 0, "wrong", null, "guest",
                "nope".getBytes(StandardCharsets.UTF_8), MqttProperties.NONE));
        ConnAck refused = wrong.read(ConnAck.class);
        assertEquals(ReasonCode.BAD_USER_NAME_OR_PASSWORD, refused.reasonCode());
        assertTrue(refused.properties().reasonString().isPresent(), "problem information is allowed by default");

        RawMqttClient quiet = v5();
        quiet.send(new Connect(MqttProtocolVersion.MQTT_5, true, 0, "quiet", null, "guest",
                "nope".getBytes(StandardCharsets.UTF_8),
                MqttProperties.builder().requestProblemInformation(false).build()));
        assertTrue(quiet.read(ConnAck.class).properties().reasonString().isEmpty());

        // [MQTT-3.2.2-19] no reason string that would make the CONNACK larger than the client takes.
        RawMqttClient small = v5();
        small.send(new Connect(MqttProtocolVersion.MQTT_5, true, 0, "small", null, "guest",
                "nope".getBytes(StandardCharsets.UTF_8), MqttProperties.builder().maximumPacketSize(16).build()));
        ConnAck bare = small.read(ConnAck.class);
        assertEquals(ReasonCode.BAD_USER_NAME_OR_PASSWORD, bare.reasonCode());
        assertTrue(bare.properties().reasonString().isEmpty());
    }

    @Test
    void aMalformedMqtt5ConnectGetsAConnAckWithItsReason() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient client = v5();
        // CONNECT, MQTT level 5, clean start, properties: Receive Maximum 0, which is a protocol error; id "a".
        client.sendBytes(0x10, 17, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 0, 3, 0x21, 0, 0, 0, 1, 'a');
        ReasonCode code = client.read(ConnAck.class).reasonCode();
        assertTrue(Set.of(ReasonCode.MALFORMED_PACKET, ReasonCode.PROTOCOL_ERROR).contains(code), code::toString);
        client.assertClosedByServer();

        RawMqttClient wildWill = v5();
        wildWill.send(connect("wild", true, 0, will("wills/#", 0), MqttProperties.NONE));
        assertEquals(ReasonCode.TOPIC_NAME_INVALID, wildWill.read(ConnAck.class).reasonCode());
        wildWill.assertClosedByServer();
    }

    // ---- server-initiated DISCONNECT ----

    @Test
    void malformedPacketsAndTopicViolationsAreAnsweredWithDisconnect() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient wildcard = v5();
        accepted(wildcard, connect("wildcard", true, 0, null, MqttProperties.NONE));
        wildcard.send(publish("a/+", 0, 0, false, "x"));
        wildcard.assertDisconnectedWith(ReasonCode.TOPIC_NAME_INVALID);

        RawMqttClient reserved = v5();
        accepted(reserved, connect("reserved", true, 0, null, MqttProperties.NONE));
        reserved.sendBytes(0x00, 0x00); // packet type 0 is reserved
        reserved.assertDisconnectedWith(ReasonCode.MALFORMED_PACKET);

        RawMqttClient second = v5();
        accepted(second, connect("twice", true, 0, null, MqttProperties.NONE));
        second.send(connect("twice", true, 0, null, MqttProperties.NONE));
        assertEquals(ReasonCode.PROTOCOL_ERROR, second.read(Disconnect.class).reasonCode());
    }

    @Test
    void aKeepAliveTimeoutIsAnsweredWithDisconnect() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient client = v5();
        accepted(client, connect("sleepy", true, 1, null, MqttProperties.NONE));
        client.assertDisconnectedWith(ReasonCode.KEEP_ALIVE_TIMEOUT);
    }

    @Test
    void theOldConnectionIsToldItsSessionWasTakenOver() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient first = v5();
        accepted(first, connect("device", false, 0, null, expiry(60)));
        assertTrue(accepted(v5(), connect("device", false, 0, null, expiry(60))).sessionPresent());
        first.assertDisconnectedWith(ReasonCode.SESSION_TAKEN_OVER);

        RawMqttClient old311 = v311();
        old311.connect("device311", false);
        v311().connect("device311", false);
        old311.assertClosedByServer();
    }

    @Test
    void clientsAreToldTheBrokerShutsDownAnd311ClientsAreNot() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient client = v5();
        accepted(client, connect("stays", false, 0, null, expiry(60)));
        RawMqttClient old = v311();
        old.connect("stays311", false);
        broker.close();
        broker = null;
        client.assertDisconnectedWith(ReasonCode.SERVER_SHUTTING_DOWN);
        old.assertClosedByServer();
    }

    @Test
    void aDeletedUsersClientIsToldItWasAnAdministrativeAction() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient client = v5();
        accepted(client, connect("revoked", true, 0, null, MqttProperties.NONE));
        broker.mqtt.userDeleted("guest");
        Disconnect disconnect = client.read(Disconnect.class);
        assertEquals(ReasonCode.ADMINISTRATIVE_ACTION, disconnect.reasonCode());
        assertTrue(disconnect.properties().reasonString().orElseThrow().contains("deleted"));
        assertTrue(disconnect.properties().sessionExpiryInterval().isEmpty(), "[MQTT-3.14.2-2]");
        client.assertClosedByServer();
    }

    // ---- session expiry ----

    @Test
    void withoutASessionExpiryTheSessionEndsWithTheConnection() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient client = v5();
        accepted(client, connect("brief", false, 0, null, MqttProperties.NONE));
        subscribe(client, "a");
        client.close();
        await().atMost(20, TimeUnit.SECONDS).until(() -> !sessionQueueExists("brief"));
        assertFalse(accepted(v5(), connect("brief", false, 0, null, MqttProperties.NONE)).sessionPresent());
    }

    @Test
    void aSessionIsKeptForItsIntervalAndThenExpires() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient client = v5();
        accepted(client, connect("kept", true, 0, null, expiry(2)));
        subscribe(client, "a");
        client.close();
        RawMqttClient again = v5();
        assertTrue(accepted(again, connect("kept", false, 0, null, expiry(1))).sessionPresent());
        long closed = System.nanoTime();
        again.close();
        // The later CONNECT's interval (1 s) replaced the first's.
        await().atMost(20, TimeUnit.SECONDS).until(() -> !sessionQueueExists("kept"));
        assertTrue(System.nanoTime() - closed >= TimeUnit.MILLISECONDS.toNanos(900), "not before its interval");
        assertFalse(accepted(v5(), connect("kept", false, 0, null, expiry(60))).sessionPresent());
    }

    @Test
    void cleanStartDiscardsTheSessionAndMayStartAPersistentOne() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient client = v5();
        accepted(client, connect("restart", false, 0, null, expiry(60)));
        subscribe(client, "a");
        client.close();
        RawMqttClient clean = v5();
        assertFalse(accepted(clean, connect("restart", true, 0, null, expiry(60))).sessionPresent());
        clean.close();
        assertTrue(accepted(v5(), connect("restart", false, 0, null, expiry(60))).sessionPresent());
    }

    @Test
    void disconnectMayShortenTheSessionExpiry() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient client = v5();
        accepted(client, connect("leaving", false, 0, null, expiry(3600)));
        subscribe(client, "a");
        client.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION, expiry(0)));
        await().atMost(20, TimeUnit.SECONDS).until(() -> !sessionQueueExists("leaving"));
    }

    @Test
    void disconnectMayNotSetAnExpiryAfterAConnectWithout() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient client = v5();
        accepted(client, connect("sneaky", false, 0, null, MqttProperties.NONE));
        client.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION, expiry(60)));
        assertEquals(ReasonCode.PROTOCOL_ERROR, client.read(Disconnect.class).reasonCode());
    }

    // ---- wills ----

    @Test
    void disconnectWithWillMessagePublishesTheWillAndANormalOneDiscardsIt() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient watcher = watcher();
        RawMqttClient normal = v5();
        accepted(normal, connect("normal", true, 0, will("wills/normal", 0), MqttProperties.NONE));
        normal.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION));
        normal.assertClosedByServer();
        RawMqttClient asking = v5();
        accepted(asking, connect("asking", true, 0, will("wills/asking", 0), MqttProperties.NONE));
        asking.send(new Disconnect(ReasonCode.DISCONNECT_WITH_WILL_MESSAGE));
        assertEquals("wills/asking", watcher.readPublish().topic());
    }

    @Test
    void aDelayedWillIsPublishedAfterItsDelay() throws Exception {
        assertWillComesOnlyAfterASecond("delayed", 1, 60);
    }

    @Test
    void aDelayedWillIsPublishedWhenTheSessionEndsFirst() throws Exception {
        assertWillComesOnlyAfterASecond("short", 3600, 1);
    }

    /** A client with this will delay and session expiry goes away: its will comes, but not within a second. */
    private void assertWillComesOnlyAfterASecond(String clientId, long willDelay, long sessionExpiry)
            throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient watcher = watcher();
        RawMqttClient client = v5();
        accepted(client, connect(clientId, true, 0, will("wills/" + clientId, willDelay), expiry(sessionExpiry)));
        long lost = System.nanoTime();
        client.close();
        assertEquals("wills/" + clientId, watcher.readPublish().topic());
        assertTrue(System.nanoTime() - lost >= TimeUnit.MILLISECONDS.toNanos(900), "not before a second");
    }

    @Test
    void aReconnectionWithinTheDelayCancelsTheWill() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient watcher = watcher();
        RawMqttClient client = v5();
        accepted(client, connect("back", true, 0, will("wills/back", 1), expiry(60)));
        client.close();
        assertTrue(accepted(v5(), connect("back", false, 0, null, expiry(60))).sessionPresent());
        // Past the delay: a will not cancelled would be out by now, before the marker.
        TimeUnit.MILLISECONDS.sleep(1500);
        publishMarker();
        assertEquals("wills/marker", watcher.readPublish().topic());
    }

    @Test
    void aTakeoverWithinTheDelayPublishesNoWill() throws Exception {
        start(MqttSettings.DEFAULTS);
        RawMqttClient watcher = watcher();
        RawMqttClient first = v5();
        accepted(first, connect("taken", true, 0, will("wills/taken", 1), expiry(60)));
        assertTrue(accepted(v5(), connect("taken", false, 0, null, expiry(60))).sessionPresent());
        assertEquals(ReasonCode.SESSION_TAKEN_OVER, first.read(Disconnect.class).reasonCode());
        TimeUnit.MILLISECONDS.sleep(1500);
        publishMarker();
        assertEquals("wills/marker", watcher.readPublish().topic());
    }
}
