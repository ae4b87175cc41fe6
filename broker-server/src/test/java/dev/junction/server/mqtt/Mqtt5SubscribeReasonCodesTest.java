package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.mqtt.codec.UnsubAck;
import dev.junction.mqtt.codec.Unsubscribe;
import dev.junction.server.config.ConfigKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SUBACK and UNSUBACK reason codes for MQTT 5 clients (raw packets): one per filter, in order, each filter handled
 * on its own: 0x87 for the ACL, 0x97 beyond mqtt.max_subscriptions, 0x8F for a filter that is no valid topic filter
 * (the others in the packet still granted), UNSUBACK 0x00/0x11/0x8F, a reason string unless the client refused
 * problem information; a Subscription Identifier of 0 ends the connection.
 */
class Mqtt5SubscribeReasonCodesTest {
    @TempDir
    Path dir;
    private Mqtt5SubscribeServer server;

    @BeforeEach
    void start() throws Exception {
        Path acl = dir.resolve("acl.conf");
        Files.writeString(acl, """
                user guest
                topic readwrite #
                topic deny secret/#
                """);
        server = new Mqtt5SubscribeServer(dir.resolve("data"), config -> config
                .with(ConfigKeys.MQTT_ACL_FILE, Optional.of(acl))
                .with(ConfigKeys.MQTT_MAX_SUBSCRIPTIONS, 3));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private static Subscribe subscribe(int packetId, String... filters) {
        return new Subscribe(packetId, Arrays.stream(filters)
                .map(filter -> new Subscribe.Subscription(filter, MqttQos.AT_LEAST_ONCE)).toList());
    }

    @Test
    void eachFilterGetsItsOwnReasonCodeInOrder() throws Exception {
        RawMqttClient client = server.raw("codes");
        client.send(subscribe(1, "open/a", "secret/x", "a/#/b", "open/b", "open/a"));
        SubAck ack = client.read(SubAck.class);
        assertEquals(1, ack.packetId());
        assertEquals(List.of(ReasonCode.GRANTED_QOS_1, ReasonCode.NOT_AUTHORIZED, ReasonCode.TOPIC_FILTER_INVALID,
                ReasonCode.GRANTED_QOS_1, ReasonCode.GRANTED_QOS_1), ack.reasonCodes(),
                "[MQTT-3.8.4-5, MQTT-3.8.4-6, MQTT-3.9.3-1]; resubscribing to open/a takes no room");
        assertTrue(ack.properties().reasonString().isPresent(), "a reason string for the refusals");

        client.send(subscribe(2, "open/c", "open/d"));
        assertEquals(List.of(ReasonCode.GRANTED_QOS_1, ReasonCode.QUOTA_EXCEEDED), client.read(SubAck.class)
                .reasonCodes(), "the third filter fills mqtt.max_subscriptions");
        assertTrue(client.answersPing(), "a refused filter does not end the connection");
    }

    @Test
    void unsubscribeSaysWhichFiltersHadNoSubscription() throws Exception {
        RawMqttClient client = server.raw("unsub");
        client.send(subscribe(1, "open/a"));
        client.read(SubAck.class);
        client.send(new Unsubscribe(2, List.of("open/a", "open/never", "a/#/b", "open/a")));
        UnsubAck ack = client.read(UnsubAck.class);
        assertEquals(2, ack.packetId());
        assertEquals(List.of(ReasonCode.SUCCESS, ReasonCode.NO_SUBSCRIPTION_EXISTED, ReasonCode.TOPIC_FILTER_INVALID,
                ReasonCode.NO_SUBSCRIPTION_EXISTED), ack.reasonCodes(), "[MQTT-3.10.4-6, MQTT-3.11.3-1]");
    }

    @Test
    void noReasonStringForAClientThatRefusedProblemInformation() throws Exception {
        RawMqttClient client = server.raw("quiet", true,
                MqttProperties.builder().requestProblemInformation(false).build());
        client.send(subscribe(1, "secret/x"));
        SubAck ack = client.read(SubAck.class);
        assertEquals(List.of(ReasonCode.NOT_AUTHORIZED), ack.reasonCodes());
        assertEquals(Optional.empty(), ack.properties().reasonString(), "[MQTT-3.1.2-29]");
    }

    @Test
    void noReasonStringThatWouldExceedTheClientsMaximumPacketSize() throws Exception {
        RawMqttClient client = server.raw("small", true, MqttProperties.builder().maximumPacketSize(16).build());
        client.send(subscribe(1, "secret/x"));
        SubAck ack = client.read(SubAck.class);
        assertEquals(List.of(ReasonCode.NOT_AUTHORIZED), ack.reasonCodes());
        assertEquals(Optional.empty(), ack.properties().reasonString(), "[MQTT-3.9.2-1]");
    }

    @Test
    void aSubscriptionIdentifierOfZeroEndsTheConnection() throws Exception {
        RawMqttClient client = server.raw("zero-id");
        // SUBSCRIBE, packet id 1, properties: Subscription Identifier 0; filter "a", options 0.
        client.sendBytes(0x82, 0x09, 0x00, 0x01, 0x02, 0x0B, 0x00, 0x00, 0x01, 'a', 0x00);
        assertClosedWithProtocolError(client);
    }

    /** The connection ends, after a DISCONNECT with 0x82 if the server sends one first. */
    private static void assertClosedWithProtocolError(RawMqttClient client) throws Exception {
        Object packet = client.readOrEnd();
        if (packet != null) {
            assertEquals(ReasonCode.PROTOCOL_ERROR, ((Disconnect) packet).reasonCode());
            client.assertClosedByServer();
        }
    }
}
