package dev.junction.mqtt.codec;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.junction.mqtt.codec.Subscribe.Subscription;
import io.netty.buffer.Unpooled;
import java.util.List;

/** One or more packets of every type, covering every flag and optional field; small enough to split exhaustively. */
final class SamplePackets {
    private SamplePackets() {
    }

    /** Fresh instances: the caller owns (and releases) the Publish payloads. */
    static List<MqttPacket> all() {
        return List.of(
                new Connect(MqttProtocolVersion.MQTT_3_1_1, true, 60, "c", null, null, null),
                new Connect(MqttProtocolVersion.MQTT_3_1_1, false, 0xFFFF, "",
                        new Connect.Will("will/t", "gone".getBytes(UTF_8), MqttQos.EXACTLY_ONCE, true),
                        "user", new byte[] {0, 1, (byte) 0xFF}),
                new Connect(MqttProtocolVersion.MQTT_3_1_1, true, 0, "ü",
                        new Connect.Will("w", new byte[0], MqttQos.AT_LEAST_ONCE, false), "", new byte[0]),
                new Connect(MqttProtocolVersion.MQTT_3_1, true, 10, "legacy", null, "name", null),
                new ConnAck(true, ConnectReturnCode.ACCEPTED),
                new ConnAck(false, ConnectReturnCode.NOT_AUTHORIZED),
                new Publish("a", MqttQos.AT_MOST_ONCE, false, false, 0, Unpooled.EMPTY_BUFFER),
                new Publish("a/b/ü€\uD834\uDD1E", MqttQos.AT_LEAST_ONCE, true, true, 0xFFFF, Wire.payload("hello")),
                new Publish("/", MqttQos.EXACTLY_ONCE, false, true, 1, Wire.tracked(new byte[] {0, 0})),
                new PubAck(1),
                new PubRec(0xFFFF),
                new PubRel(2),
                new PubComp(3),
                new Subscribe(7, List.of(new Subscription("a/+/c", MqttQos.AT_MOST_ONCE),
                        new Subscription("#", MqttQos.AT_LEAST_ONCE), new Subscription("+", MqttQos.EXACTLY_ONCE),
                        new Subscription("/a/#", MqttQos.AT_MOST_ONCE))),
                new SubAck(7, List.of(SubAckReturnCode.GRANTED_QOS_0, SubAckReturnCode.GRANTED_QOS_1,
                        SubAckReturnCode.GRANTED_QOS_2, SubAckReturnCode.FAILURE)),
                new Unsubscribe(0xFFFF, List.of("a/#", "b")),
                new UnsubAck(8),
                PingReq.INSTANCE,
                PingResp.INSTANCE,
                Disconnect.INSTANCE);
    }

    /** A CONNECT with every CONNECT and will property; it switches a decoder to MQTT 5. */
    static Connect connect5() {
        MqttProperties will = MqttProperties.builder().payloadFormatIndicator(1).messageExpiryInterval(0xFFFF_FFFFL)
                .contentType("text/plain").responseTopic("reply/to").correlationData(new byte[] {1, 2, 3})
                .willDelayInterval(30).addUserProperty("w", "1").addUserProperty("w", "2").build();
        MqttProperties properties = MqttProperties.builder().sessionExpiryInterval(3600)
                .authenticationMethod("SCRAM-SHA-256").authenticationData(new byte[] {9, 8})
                .requestProblemInformation(false).requestResponseInformation(true).receiveMaximum(10)
                .topicAliasMaximum(5).addUserProperty("k", "v").maximumPacketSize(65536).build();
        return new Connect(MqttProtocolVersion.MQTT_5, true, 30, "c5",
                new Connect.Will("will/t", "gone".getBytes(UTF_8), MqttQos.AT_LEAST_ONCE, true, will),
                null, new byte[] {7}, properties);
    }

    /**
     * MQTT 5 packets of every type, together carrying every property, reason code forms and subscription option;
     * {@link #connect5()} first. Fresh instances: the caller owns (and releases) the Publish payloads.
     */
    static List<MqttPacket> all5() {
        MqttProperties reason = MqttProperties.builder().reasonString("why").addUserProperty("a", "b").build();
        return List.of(
                connect5(),
                new Connect(MqttProtocolVersion.MQTT_5, false, 0, "", null, "u", null, MqttProperties.NONE),
                new ConnAck(true, ReasonCode.SUCCESS, MqttProperties.builder().sessionExpiryInterval(0)
                        .assignedClientIdentifier("auto-1").serverKeepAlive(20).authenticationMethod("m")
                        .authenticationData(new byte[0]).responseInformation("resp/").serverReference("other")
                        .reasonString("ok").receiveMaximum(0xFFFF).topicAliasMaximum(0xFFFF)
                        .maximumQos(MqttQos.AT_LEAST_ONCE).retainAvailable(false).maximumPacketSize(0xFFFF_FFFFL)
                        .wildcardSubscriptionAvailable(true).subscriptionIdentifiersAvailable(false)
                        .sharedSubscriptionAvailable(true).addUserProperty("x", "y").build()),
                ConnAck.refuse(ReasonCode.BAD_AUTHENTICATION_METHOD),
                new Publish("a/b", MqttQos.AT_LEAST_ONCE, true, true, 5, Wire.payload("hello"),
                        MqttProperties.builder().payloadFormatIndicator(0).messageExpiryInterval(60)
                                .contentType("c").responseTopic("r").correlationData(new byte[] {0})
                                .addSubscriptionIdentifier(1).addSubscriptionIdentifier(268_435_455)
                                .topicAlias(3).addUserProperty("u", "1").addUserProperty("u", "1").build()),
                new Publish("", MqttQos.AT_MOST_ONCE, false, false, 0, Wire.payload("aliased"),
                        MqttProperties.builder().topicAlias(0xFFFF).build()),
                new Publish("t", MqttQos.EXACTLY_ONCE, false, false, 1, Unpooled.EMPTY_BUFFER),
                new PubAck(1),
                new PubAck(2, ReasonCode.NO_MATCHING_SUBSCRIBERS, MqttProperties.NONE),
                new PubAck(3, ReasonCode.SUCCESS, reason),
                new PubRec(4, ReasonCode.QUOTA_EXCEEDED, reason),
                new PubRel(5, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, MqttProperties.NONE),
                new PubComp(6),
                new Subscribe(7, List.of(new Subscription("a/+", MqttQos.EXACTLY_ONCE, true, true,
                                Subscribe.RetainHandling.DO_NOT_SEND),
                        new Subscription("$share/g/#", MqttQos.AT_MOST_ONCE, false, false,
                                Subscribe.RetainHandling.SEND_AT_SUBSCRIBE_IF_NEW)),
                        MqttProperties.builder().addSubscriptionIdentifier(128).addUserProperty("s", "t").build()),
                new SubAck(7, List.of(ReasonCode.GRANTED_QOS_2, ReasonCode.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED,
                        ReasonCode.GRANTED_QOS_0, ReasonCode.GRANTED_QOS_1), reason),
                new Unsubscribe(8, List.of("a/+", "b"), MqttProperties.builder().addUserProperty("n", "").build()),
                new UnsubAck(8, List.of(ReasonCode.SUCCESS, ReasonCode.NO_SUBSCRIPTION_EXISTED), reason),
                new UnsubAck(9, List.of(ReasonCode.NOT_AUTHORIZED), MqttProperties.NONE),
                PingReq.INSTANCE,
                PingResp.INSTANCE,
                new Auth(ReasonCode.CONTINUE_AUTHENTICATION, MqttProperties.builder().authenticationMethod("m")
                        .authenticationData(new byte[] {1}).reasonString("more").build()),
                new Auth(ReasonCode.SUCCESS, MqttProperties.NONE),
                new Disconnect(ReasonCode.SESSION_TAKEN_OVER),
                new Disconnect(ReasonCode.DISCONNECT_WITH_WILL_MESSAGE, MqttProperties.builder()
                        .sessionExpiryInterval(10).serverReference("s").reasonString("bye").build()),
                Disconnect.INSTANCE);
    }

    /** Strings of the maximum 65535 bytes, and a PUBLISH needing all four remaining-length bytes. */
    static List<MqttPacket> edgeCases() {
        String ascii = "c".repeat(0xFFFF);
        String threeByteChars = "€".repeat(0xFFFF / 3);
        byte[] twoMebibytes = new byte[2_097_152];
        java.util.Arrays.fill(twoMebibytes, (byte) 7);
        return List.of(
                new Connect(MqttProtocolVersion.MQTT_3_1_1, true, 1, ascii,
                        new Connect.Will(threeByteChars, new byte[0xFFFF], MqttQos.AT_MOST_ONCE, false), ascii,
                        new byte[0xFFFF]),
                new Subscribe(1, List.of(new Subscription(threeByteChars, MqttQos.AT_LEAST_ONCE),
                        new Subscription(ascii, MqttQos.EXACTLY_ONCE))),
                new Unsubscribe(2, List.of(ascii, threeByteChars)),
                new Publish(threeByteChars, MqttQos.EXACTLY_ONCE, false, false, 0xFFFF, Wire.payload("x")),
                new Publish("big", MqttQos.AT_MOST_ONCE, false, false, 0, Wire.tracked(twoMebibytes)));
    }

    /** Large enough for {@link #edgeCases()}. */
    static final int EDGE_CASE_MAX_PACKET_SIZE = 4 * 1024 * 1024;
}
