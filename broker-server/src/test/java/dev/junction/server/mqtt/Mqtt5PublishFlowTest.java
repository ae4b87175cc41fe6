package dev.junction.server.mqtt;

import dev.junction.core.queue.QueueSettings;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PingReq;
import dev.junction.mqtt.codec.PingResp;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.PubComp;
import dev.junction.mqtt.codec.PubRec;
import dev.junction.mqtt.codec.PubRel;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 5 PUBLISH rules over a raw socket, where the bytes matter: acknowledgement reason codes, the Receive Maximum
 * both ways, topic aliases both ways and the client's Maximum Packet Size.
 */
class Mqtt5PublishFlowTest {
    private MqttTestBroker broker;
    private final List<RawMqttClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RawMqttClient client : clients) {
            client.close();
        }
        broker.close();
    }

    private RawMqttClient connect(String clientId, MqttProperties properties) throws Exception {
        if (broker == null) {
            broker = new MqttTestBroker();
        }
        RawMqttClient client = new RawMqttClient(broker.port());
        clients.add(client);
        client.connect5(clientId, properties);
        return client;
    }

    private static Publish publish(String topic, int qos, int packetId, MqttProperties properties, byte[] payload) {
        return new Publish(topic, MqttQos.of(qos), false, false, packetId, Unpooled.wrappedBuffer(payload),
                properties);
    }

    private static Publish publish(String topic, int qos, int packetId, MqttProperties properties) {
        return publish(topic, qos, packetId, properties, "x".getBytes(StandardCharsets.UTF_8));
    }

    private static void subscribe(RawMqttClient client, String filter, MqttQos qos) throws IOException {
        client.send(new Subscribe(1, List.of(new Subscribe.Subscription(filter, qos))));
        client.read(SubAck.class);
    }

    /** A new client whose first PUBLISH is this one is disconnected with the code. */
    private void assertPublishDisconnects(String clientId, ReasonCode code, Publish publish) throws Exception {
        RawMqttClient client = connect(clientId, MqttProperties.NONE);
        client.send(publish);
        client.assertDisconnectedWith(code);
    }

    @Test
    void aPublishNoSubscriptionMatchesIsAcknowledgedWithNoMatchingSubscribers() throws Exception {
        RawMqttClient client = connect("v5-nobody", MqttProperties.NONE);
        client.send(publish("nobody/listens", 1, 1, MqttProperties.NONE));
        assertEquals(ReasonCode.NO_MATCHING_SUBSCRIBERS, client.read(PubAck.class).reasonCode());
        client.send(publish("nobody/listens", 2, 2, MqttProperties.NONE));
        assertEquals(ReasonCode.NO_MATCHING_SUBSCRIBERS, client.read(PubRec.class).reasonCode());
        client.send(new PubRel(2));
        assertEquals(ReasonCode.SUCCESS, client.read(PubComp.class).reasonCode());

        subscribe(client, "somebody/listens", MqttQos.AT_MOST_ONCE);
        client.send(publish("somebody/listens", 1, 3, MqttProperties.NONE));
        Object first = client.read();
        Object second = client.read();
        PubAck ack = (PubAck) (first instanceof PubAck ? first : second);
        ((Publish) (first instanceof Publish ? first : second)).release();
        assertEquals(ReasonCode.SUCCESS, ack.reasonCode());
    }

    @Test
    void connAckAnnouncesTheLimitsTheBrokerHoldsClientsTo() throws Exception {
        broker = new MqttTestBroker(MqttSettings.DEFAULTS.withMqtt5(new MqttSettings.Mqtt5Limits(7, 3)));
        RawMqttClient client = new RawMqttClient(broker.port());
        clients.add(client);
        MqttProperties announced = client.connect5("v5-limits", MqttProperties.NONE).properties();
        assertEquals(7, announced.receiveMaximum().getAsInt());
        assertEquals(3, announced.topicAliasMaximum().getAsInt());
    }

    @Test
    void aPublishToSysIsRefusedWithTopicNameInvalid() throws Exception {
        RawMqttClient client = connect("v5-sys", MqttProperties.NONE);
        client.send(publish("$SYS/broker/fake", 1, 1, MqttProperties.NONE));
        assertEquals(ReasonCode.TOPIC_NAME_INVALID, client.read(PubAck.class).reasonCode());
    }

    @Test
    void aWildcardInTheTopicNameIsDisconnectWithTopicNameInvalid() throws Exception {
        assertPublishDisconnects("v5-wild", ReasonCode.TOPIC_NAME_INVALID, publish("a/+/b", 0, 0, MqttProperties.NONE));
    }

    @Test
    void aPayloadDeclaredUtf8ThatIsNotIsRefusedWithPayloadFormatInvalid() throws Exception {
        RawMqttClient client = connect("v5-utf8", MqttProperties.NONE);
        MqttProperties utf8 = MqttProperties.builder().payloadFormatIndicator(1).build();
        client.send(publish("text/in", 1, 1, utf8, new byte[]{(byte) 0xC3, 0x28}));
        assertEquals(ReasonCode.PAYLOAD_FORMAT_INVALID, client.read(PubAck.class).reasonCode());
        client.send(publish("text/in", 1, 2, utf8, "grüße".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ReasonCode.NO_MATCHING_SUBSCRIBERS, client.read(PubAck.class).reasonCode());
    }

    @Test
    void aPubRelForAnUnknownIdentifierIsAnsweredWithPacketIdentifierNotFound() throws Exception {
        RawMqttClient client = connect("v5-pubrel", MqttProperties.NONE);
        client.send(new PubRel(77));
        assertEquals(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, client.read(PubComp.class).reasonCode());
    }

    @Test
    void aPubRecForAnUnknownIdentifierIsAnsweredWithPacketIdentifierNotFound() throws Exception {
        RawMqttClient client = connect("v5-pubrec", MqttProperties.NONE);
        client.send(new PubRec(55));
        assertEquals(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, client.read(PubRel.class).reasonCode());
    }

    @Test
    void aRefusingPubRecEndsTheFlowWithoutPubRelAndFreesItsPlace() throws Exception {
        RawMqttClient subscriber = connect("v5-refuser", MqttProperties.builder().receiveMaximum(1).build());
        subscribe(subscriber, "exact", MqttQos.EXACTLY_ONCE);
        RawMqttClient publisher = connect("v5-exact-producer", MqttProperties.NONE);
        for (int id = 1; id <= 2; id++) {
            publisher.send(publish("exact", 2, id, MqttProperties.NONE, ("m" + id).getBytes(StandardCharsets.UTF_8)));
            publisher.read(PubRec.class);
            publisher.send(new PubRel(id));
            publisher.read(PubComp.class);
        }
        RawMqttClient.Received first = subscriber.readPublish();
        assertEquals("m1", first.payload());
        subscriber.send(new PubRec(first.packetId(), ReasonCode.UNSPECIFIED_ERROR, MqttProperties.NONE));
        // No PUBREL for it [MQTT-4.3.3-4], and the quota of one is free again for the next message.
        RawMqttClient.Received second = subscriber.readPublish();
        assertEquals("m2", second.payload());
        assertFalse(second.dup(), "the refused one is not sent again [MQTT-4.4.0-2]");
        await().atMost(20, TimeUnit.SECONDS).until(() ->
                broker.core.virtualHost("/").queue(MqttSession.queueName("v5-refuser")).unsettledCount() == 1);
    }

    @Test
    void aSubscriptionIdentifierFromAClientIsAProtocolError() throws Exception {
        assertPublishDisconnects("v5-subid", ReasonCode.PROTOCOL_ERROR,
                publish("t", 0, 0, MqttProperties.builder().addSubscriptionIdentifier(5).build()));
    }

    @Test
    void aQueueThatRefusesThePublishMakesItQuotaExceeded() throws Exception {
        RawMqttClient client = connect("v5-quota", MqttProperties.NONE);
        VirtualHost vhost = broker.core.virtualHost("/");
        vhost.declareQueue("full", new QueueSettings(false, null, false,
                Map.of("x-max-length", 0, "x-overflow", "reject-publish")));
        vhost.bindQueue("amq.topic", "full", "full.#", Map.of(), null);
        client.send(publish("full/one", 1, 1, MqttProperties.NONE));
        assertEquals(ReasonCode.QUOTA_EXCEEDED, client.read(PubAck.class).reasonCode());
        client.send(publish("full/two", 2, 2, MqttProperties.NONE));
        assertEquals(ReasonCode.QUOTA_EXCEEDED, client.read(PubRec.class).reasonCode());
        client.send(publish("full/two", 2, 2, MqttProperties.NONE));
        assertEquals(ReasonCode.QUOTA_EXCEEDED, client.read(PubRec.class).reasonCode(),
                "after a refusing PUBREC the identifier starts a new publication [MQTT-4.3.3-9]");
        assertTrue(client.answersPing(), "a refusal ends no connection");
    }

    @Test
    void moreUnacknowledgedPublishesThanTheReceiveMaximumIsDisconnect0x93() throws Exception {
        broker = new MqttTestBroker(MqttSettings.DEFAULTS.withMqtt5(new MqttSettings.Mqtt5Limits(2, 64)));
        RawMqttClient client = connect("v5-flood", MqttProperties.NONE);
        // QoS 2 flows stay open until PUBCOMP: the client withholds its PUBRELs.
        client.send(publish("flood", 2, 1, MqttProperties.NONE), publish("flood", 2, 2, MqttProperties.NONE),
                publish("flood", 2, 3, MqttProperties.NONE));
        client.read(PubRec.class);
        client.read(PubRec.class);
        client.assertDisconnectedWith(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED);
    }

    @Test
    void withinTheReceiveMaximumCompletedFlowsMakeRoom() throws Exception {
        broker = new MqttTestBroker(MqttSettings.DEFAULTS.withMqtt5(new MqttSettings.Mqtt5Limits(1, 64)));
        RawMqttClient client = connect("v5-paced", MqttProperties.NONE);
        for (int id = 1; id <= 3; id++) {
            client.send(publish("paced", 2, id, MqttProperties.NONE));
            client.read(PubRec.class);
            client.send(new PubRel(id));
            client.read(PubComp.class);
        }
        assertTrue(client.answersPing());
    }

    @Test
    void inboundTopicAliasesStandForTheirTopic() throws Exception {
        RawMqttClient client = connect("v5-alias", MqttProperties.NONE);
        subscribe(client, "plant/#", MqttQos.AT_MOST_ONCE);
        MqttProperties alias3 = MqttProperties.builder().topicAlias(3).build();
        client.send(publish("plant/line1", 0, 0, alias3, "a".getBytes(StandardCharsets.UTF_8)),
                publish("", 0, 0, alias3, "b".getBytes(StandardCharsets.UTF_8)));
        RawMqttClient.Received first = client.readPublish();
        RawMqttClient.Received second = client.readPublish();
        assertEquals("plant/line1", first.topic());
        assertEquals("plant/line1", second.topic(), "the alias, resolved; this client set no alias maximum");
        assertEquals("b", second.payload());
    }

    @Test
    void aliasZeroIsTopicAliasInvalid() throws Exception {
        RawMqttClient client = connect("v5-alias0", MqttProperties.NONE);
        // The codec cannot build alias 0: PUBLISH QoS 0, topic "t", properties {topic alias: 0}, no payload.
        client.sendBytes(0x30, 0x07, 0x00, 0x01, 't', 0x03, 0x23, 0x00, 0x00);
        // The codec refuses it before the handler sees it: a Protocol Error (MQTT-3.3.2-8 forbids the value).
        client.assertDisconnectedWith(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void anAliasAboveTheMaximumIsTopicAliasInvalid() throws Exception {
        int aboveTheMaximum = MqttSettings.Mqtt5Limits.DEFAULTS.topicAliasMaximum() + 1;
        assertPublishDisconnects("v5-alias65", ReasonCode.TOPIC_ALIAS_INVALID,
                publish("t", 0, 0, MqttProperties.builder().topicAlias(aboveTheMaximum).build()));
    }

    @Test
    void anEmptyTopicWithAnAliasNeverSetIsAProtocolError() throws Exception {
        assertPublishDisconnects("v5-alias-unknown", ReasonCode.PROTOCOL_ERROR,
                publish("", 0, 0, MqttProperties.builder().topicAlias(5).build()));
    }

    @Test
    void aliasesDoNotOutliveTheConnection() throws Exception {
        RawMqttClient client = connect("v5-alias-reset", MqttProperties.NONE);
        client.send(publish("kept/not", 0, 0, MqttProperties.builder().topicAlias(1).build()));
        assertTrue(client.answersPing());
        client.close();
        RawMqttClient again = connect("v5-alias-reset", MqttProperties.NONE);
        again.send(publish("", 0, 0, MqttProperties.builder().topicAlias(1).build()));
        again.assertDisconnectedWith(ReasonCode.PROTOCOL_ERROR);
    }

    @Test
    void aResponseTopicWithAWildcardIsAProtocolError() throws Exception {
        assertPublishDisconnects("v5-response-wild", ReasonCode.PROTOCOL_ERROR,
                publish("requests", 1, 1, MqttProperties.builder().responseTopic("replies/#").build()));
    }

    @Test
    void neverMoreUnacknowledgedPublishesThanTheClientsReceiveMaximum() throws Exception {
        RawMqttClient subscriber = connect("v5-slow", MqttProperties.builder().receiveMaximum(1).build());
        subscribe(subscriber, "work", MqttQos.AT_LEAST_ONCE);
        RawMqttClient publisher = connect("v5-producer", MqttProperties.NONE);
        for (int id = 1; id <= 3; id++) {
            publisher.send(publish("work", 1, id, MqttProperties.NONE, ("job" + id).getBytes(StandardCharsets.UTF_8)));
            publisher.read(PubAck.class);
        }
        for (int i = 1; i <= 3; i++) {
            RawMqttClient.Received job = subscriber.readPublish();
            assertEquals("job" + i, job.payload());
            subscriber.send(PingReq.INSTANCE);
            subscriber.read(PingResp.class);
            subscriber.send(new PubAck(job.packetId()));
        }
    }

    @Test
    void aPublishOverTheClientsMaximumPacketSizeIsDiscardedAndCounted() throws Exception {
        RawMqttClient subscriber = connect("v5-small", MqttProperties.builder().maximumPacketSize(64).build());
        subscribe(subscriber, "size/#", MqttQos.AT_LEAST_ONCE);
        RawMqttClient publisher = connect("v5-big", MqttProperties.NONE);
        publisher.send(publish("size/big", 1, 1, MqttProperties.NONE, new byte[100]));
        publisher.read(PubAck.class);
        publisher.send(publish("size/small", 1, 2, MqttProperties.NONE));
        publisher.read(PubAck.class);
        RawMqttClient.Received received = subscriber.readPublish();
        assertEquals("size/small", received.topic());
        assertEquals(1, broker.mqtt.dropped(MqttDropReason.OVER_CLIENT_MAXIMUM));
        subscriber.send(new PubAck(received.packetId()));
        await().atMost(20, TimeUnit.SECONDS).until(() ->
                broker.core.virtualHost("/").queue(MqttSession.queueName("v5-small")).unsettledCount() == 0);
    }

    @Test
    void aRetainedMessageOverTheClientsMaximumPacketSizeIsNotSentOnSubscribe() throws Exception {
        RawMqttClient publisher = connect("v5-retainer", MqttProperties.NONE);
        for (String topic : List.of("kept/big", "kept/small")) {
            publisher.send(new Publish(topic, MqttQos.AT_LEAST_ONCE, false, true, 1,
                    Unpooled.wrappedBuffer(new byte[topic.endsWith("big") ? 100 : 1]), MqttProperties.NONE));
            publisher.read(PubAck.class);
        }
        RawMqttClient subscriber = connect("v5-small-late", MqttProperties.builder().maximumPacketSize(64).build());
        subscriber.send(new Subscribe(1, List.of(new Subscribe.Subscription("kept/#", MqttQos.AT_MOST_ONCE))));
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Object packet = subscriber.read();
            if (packet instanceof Publish publish) {
                topics.add(publish.topic());
                publish.release();
            }
        }
        assertEquals(List.of("kept/small"), topics, "one PUBLISH and the SUBACK");
        assertEquals(1, broker.mqtt.dropped(MqttDropReason.OVER_CLIENT_MAXIMUM));
    }

    @Test
    void topicsSentToAClientThatAllowsAliasesGetAliasesFirstComeFirstServed() throws Exception {
        RawMqttClient subscriber = connect("v5-aliased", MqttProperties.builder().topicAliasMaximum(1).build());
        subscribe(subscriber, "al/#", MqttQos.AT_MOST_ONCE);
        RawMqttClient publisher = connect("v5-alias-producer", MqttProperties.NONE);
        for (String topic : List.of("al/x", "al/x", "al/y")) {
            publisher.send(publish(topic, 1, 1, MqttProperties.NONE));
            publisher.read(PubAck.class);
        }
        Publish first = subscriber.read(Publish.class);
        Publish second = subscriber.read(Publish.class);
        Publish third = subscriber.read(Publish.class);
        assertEquals("al/x", first.topic());
        assertEquals(1, first.properties().topicAlias().getAsInt());
        assertEquals("", second.topic(), "a known alias: the topic is left out");
        assertEquals(1, second.properties().topicAlias().getAsInt());
        assertEquals("al/y", third.topic());
        assertFalse(third.properties().topicAlias().isPresent(), "the client's one alias is taken");
        first.release();
        second.release();
        third.release();
    }
}
