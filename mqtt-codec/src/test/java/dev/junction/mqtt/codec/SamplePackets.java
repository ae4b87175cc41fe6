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
