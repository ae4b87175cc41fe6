package dev.junction.mqtt.codec;

import static dev.junction.mqtt.codec.MalformedInputTest.packet;
import static dev.junction.mqtt.codec.MalformedInputTest.str;
import static dev.junction.mqtt.codec.MqttProtocolVersion.MQTT_3_1_1;
import static dev.junction.mqtt.codec.MqttProtocolVersion.MQTT_5;
import static dev.junction.mqtt.codec.Wire.assertDecoded;
import static dev.junction.mqtt.codec.Wire.bytes;
import static dev.junction.mqtt.codec.Wire.concat;
import static dev.junction.mqtt.codec.Wire.decode;
import static dev.junction.mqtt.codec.Wire.encode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** MQTT 5.0 at the byte level: round trips, short forms, split reads, and every kind of broken input. */
@ExtendWith(LeakGuard.class)
class Mqtt5CodecTest {
    private static final byte[] PINGREQ = bytes(0xC0, 0);

    private final List<MqttPacket> samples = SamplePackets.all5();

    @AfterEach
    void releaseSamples() {
        Wire.releaseAll(samples);
    }

    @Test
    void everyPacketAndPropertyRoundTrips() {
        for (MqttPacket packet : samples) {
            byte[] bytes = encode(packet, MQTT_5);
            assertEquals(bytes.length, MqttEncoder.encodedSize(packet, MQTT_5), () -> "encodedSize of " + packet);
            assertDecoded(List.of(packet), decode(MQTT_5, bytes));
        }
    }

    @Test
    void aStreamStartingWithAnMqtt5ConnectDecodesAsMqtt5WholeAndByteByByte() {
        byte[] stream = concat(samples.stream().map(packet -> encode(packet, MQTT_5)).toArray(byte[][]::new));
        assertDecoded(samples, decode(stream));
        byte[][] oneBytePerRead = new byte[stream.length][];
        for (int i = 0; i < stream.length; i++) {
            oneBytePerRead[i] = new byte[] {stream[i]};
        }
        assertDecoded(samples, decode(oneBytePerRead));
    }

    @Test
    void everyPacketDecodesUnderEveryTwoWaySplit() {
        for (MqttPacket packet : samples) {
            byte[] bytes = encode(packet, MQTT_5);
            for (int cut = 1; cut < bytes.length; cut++) {
                assertDecoded(List.of(packet), decode(MQTT_5, java.util.Arrays.copyOfRange(bytes, 0, cut),
                        java.util.Arrays.copyOfRange(bytes, cut, bytes.length)));
            }
        }
    }

    @Test
    void acknowledgementsDisconnectAndAuthUseTheShortFormsAndDecodeTheLongOnes() {
        assertArrayEquals(bytes(0x40, 2, 0, 1), encode(new PubAck(1), MQTT_5));
        assertArrayEquals(bytes(0x50, 3, 0, 1, 0x10),
                encode(new PubRec(1, ReasonCode.NO_MATCHING_SUBSCRIBERS, MqttProperties.NONE), MQTT_5));
        assertArrayEquals(bytes(0xE0, 0), encode(Disconnect.INSTANCE, MQTT_5));
        assertArrayEquals(bytes(0xE0, 1, 0x8E), encode(new Disconnect(ReasonCode.SESSION_TAKEN_OVER), MQTT_5));
        assertArrayEquals(bytes(0xF0, 0), encode(new Auth(ReasonCode.SUCCESS, MqttProperties.NONE), MQTT_5));
        assertArrayEquals(bytes(0x20, 3, 0, 0x84, 0), encode(ConnAck.refuse(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION),
                MQTT_5));

        assertDecoded(List.of(new PubAck(1), new PubRel(2), new PubComp(3), Disconnect.INSTANCE,
                        new Auth(ReasonCode.SUCCESS, MqttProperties.NONE)),
                decode(MQTT_5, bytes(0x40, 3, 0, 1, 0), bytes(0x62, 4, 0, 2, 0, 0), bytes(0x70, 2, 0, 3),
                        bytes(0xE0, 2, 0, 0), bytes(0xF0, 0)));
    }

    @Test
    void mqtt311EncodingLeavesOutWhatItCannotCarry() {
        assertArrayEquals(bytes(0x40, 2, 0, 3), encode(samples.get(9), MQTT_3_1_1));
        assertArrayEquals(bytes(0x90, 6, 0, 7, 2, 0x80, 0, 1), encode(samples.get(14), MQTT_3_1_1));
        assertArrayEquals(bytes(0xB0, 2, 0, 8), encode(samples.get(16), MQTT_3_1_1));
        assertArrayEquals(bytes(0x20, 2, 0, 5), encode(ConnAck.refuse(ReasonCode.NOT_AUTHORIZED), MQTT_3_1_1));
        assertThrows(EncoderException.class, () -> encode(ConnAck.refuse(ReasonCode.BANNED), MQTT_3_1_1));
        assertThrows(EncoderException.class,
                () -> encode(new Auth(ReasonCode.SUCCESS, MqttProperties.NONE), MQTT_3_1_1));
        assertEquals(4, MqttEncoder.encodedSize(samples.get(9), MQTT_3_1_1));
    }

    @Test
    void encodedSizeCountsTheFixedHeaderAndTheWholePayload() {
        Publish big = new Publish("t", MqttQos.AT_MOST_ONCE, false, false, 0, Unpooled.wrappedBuffer(new byte[200]),
                MqttProperties.builder().contentType("x").build());
        assertEquals(1 + 2 + 3 + 1 + 4 + 200, MqttEncoder.encodedSize(big, MQTT_5));
        assertEquals(1 + 2 + 3 + 200, MqttEncoder.encodedSize(big, MQTT_3_1_1));
        assertEquals(encode(big, MQTT_5).length, MqttEncoder.encodedSize(big, MQTT_5));
        big.release();
    }

    // ---- broken input ----

    @Test
    void truncatedProperties() {
        // PUBLISH QoS 0, topic "t", property length 5 but only a content type of 3 bytes in total follows.
        assertViolation(MalformedPacket.Violation.MALFORMED, "properties needs 5 bytes",
                packet(0x30, str("t"), bytes(5, 0x03, 0, 1)));
        // The content type string claims 4 bytes inside a property length of 4.
        assertViolation(MalformedPacket.Violation.MALFORMED, "content type (0x3) property needs 4 bytes",
                packet(0x30, str("t"), bytes(4, 0x03, 0, 4, 'a'), bytes('b', 'c', 'd')));
        // A four-byte property cut short by the end of the properties.
        assertViolation(MalformedPacket.Violation.MALFORMED, "message expiry interval (0x2) property needs 4",
                packet(0x30, str("t"), bytes(3, 0x02, 0, 0), bytes(0, 0)));
    }

    @Test
    void duplicatedProperties() {
        assertViolation(MalformedPacket.Violation.PROTOCOL_ERROR, "content type (0x3) property more than once",
                packet(0x30, str("t"), bytes(8, 0x03, 0, 1, 'a', 0x03, 0, 1, 'b')));
        assertViolation(MalformedPacket.Violation.PROTOCOL_ERROR,
                "subscription identifier (0xb) property more than once",
                packet(0x82, bytes(0, 1), bytes(4, 0x0B, 1, 0x0B, 2), str("a"), bytes(0)));
        // Several subscription identifiers in PUBLISH and repeated user properties are allowed.
        try (Wire.Decoding decoding = decode(MQTT_5, packet(0x30, str("t"), bytes(16, 0x0B, 1, 0x0B, 2,
                0x26, 0, 1, 'k', 0, 0, 0x26, 0, 1, 'k', 0, 0)))) {
            Publish publish = (Publish) decoding.messages().get(0);
            assertEquals(List.of(1, 2), publish.properties().subscriptionIdentifiers());
            assertEquals(2, publish.properties().userProperties().size());
        }
    }

    @Test
    void propertiesOnTheWrongPacket() {
        assertViolation(MalformedPacket.Violation.MALFORMED, "session expiry interval (0x11) property, not allowed",
                packet(0x30, str("t"), bytes(5, 0x11, 0, 0, 0, 1)));
        assertViolation(MalformedPacket.Violation.MALFORMED, "topic alias (0x23) property, not allowed",
                packet(0x40, bytes(0, 1, 0, 3, 0x23, 0, 1)));
        assertViolation(MalformedPacket.Violation.MALFORMED, "unknown identifier 0x7f",
                packet(0xE0, bytes(0, 2, 0x7F, 0)));
        // The will delay interval belongs to the will properties, not to CONNECT's own.
        assertConnectViolation(MalformedPacket.Violation.MALFORMED, "will delay interval (0x18) property, not allowed",
                packet(0x10, str("MQTT"), bytes(5, 0x02, 0, 0), bytes(5, 0x18, 0, 0, 0, 1), str("c")));
    }

    @Test
    void badVariableByteIntegers() {
        assertViolation(MalformedPacket.Violation.MALFORMED, "properties length continues past four bytes",
                packet(0x30, str("t"), bytes(0x80, 0x80, 0x80, 0x80, 0x01)));
        assertViolation(MalformedPacket.Violation.MALFORMED,
                "subscription identifier (0xb) property continues past four bytes",
                packet(0x30, str("t"), bytes(6, 0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)));
        // Not minimal (0 in two bytes) is accepted; the value still has to be in range.
        assertViolation(MalformedPacket.Violation.PROTOCOL_ERROR, "subscription identifier (0xb) property must not be 0",
                packet(0x30, str("t"), bytes(3, 0x0B, 0x80, 0x00)));
        try (Wire.Decoding decoding = decode(MQTT_5, packet(0x30, str("t"), bytes(0x80, 0x00)))) {
            assertEquals(MqttProperties.NONE, ((Publish) decoding.messages().get(0)).properties());
        }
    }

    @Test
    void valuesOutOfTheStandardsRanges() {
        assertConnectViolation(MalformedPacket.Violation.PROTOCOL_ERROR, "receive maximum (0x21) property must not be 0",
                connect5(bytes(3, 0x21, 0, 0)));
        assertConnectViolation(MalformedPacket.Violation.PROTOCOL_ERROR,
                "maximum packet size (0x27) property must not be 0", connect5(bytes(5, 0x27, 0, 0, 0, 0)));
        assertConnectViolation(MalformedPacket.Violation.PROTOCOL_ERROR,
                "request problem information (0x17) property must be 0 or 1", connect5(bytes(2, 0x17, 2)));
        assertConnectViolation(MalformedPacket.Violation.PROTOCOL_ERROR,
                "request response information (0x19) property must be 0 or 1", connect5(bytes(2, 0x19, 9)));
        assertViolation(MalformedPacket.Violation.PROTOCOL_ERROR,
                "payload format indicator (0x1) property must be 0 or 1",
                packet(0x30, str("t"), bytes(2, 0x01, 2)));
        assertViolation(MalformedPacket.Violation.PROTOCOL_ERROR, "topic alias (0x23) property must not be 0",
                packet(0x30, str("t"), bytes(3, 0x23, 0, 0)));
        assertViolation(MalformedPacket.Violation.MALFORMED, "not well-formed UTF-8",
                packet(0x30, str("t"), bytes(4, 0x03, 0, 1, 0xFF)));
        assertThrows(IllegalArgumentException.class, () -> MqttProperties.builder().receiveMaximum(0));
        assertThrows(IllegalArgumentException.class, () -> MqttProperties.builder().maximumPacketSize(0));
        assertThrows(IllegalArgumentException.class, () -> MqttProperties.builder().addSubscriptionIdentifier(0));
        assertThrows(IllegalArgumentException.class,
                () -> new Publish("t", MqttQos.AT_MOST_ONCE, false, false, 0, Unpooled.EMPTY_BUFFER,
                        MqttProperties.builder().sessionExpiryInterval(1).build()));
    }

    @Test
    void badReasonCodes() {
        assertViolation(MalformedPacket.Violation.MALFORMED, "reason code 0x84 is not one a PUBACK may carry",
                packet(0x40, bytes(0, 1, 0x84)));
        assertViolation(MalformedPacket.Violation.MALFORMED, "reason code 0x3 is not one a SUBACK may carry",
                packet(0x90, bytes(0, 1, 0, 3)));
        assertViolation(MalformedPacket.Violation.MALFORMED, "reason code 0x8e is not one a CONNACK may carry",
                packet(0x20, bytes(0, 0x8E, 0)));
        assertViolation(MalformedPacket.Violation.MALFORMED, "reason code 0x92 is not one a UNSUBACK may carry",
                packet(0xB0, bytes(0, 1, 0, 0x92)));
        assertThrows(IllegalArgumentException.class, () -> new PubAck(1, ReasonCode.GRANTED_QOS_1,
                MqttProperties.NONE));
    }

    @Test
    void subscriptionOptionReservedBitsAndValues() {
        assertViolation(MalformedPacket.Violation.MALFORMED, "reserved bits are not 0 [MQTT-3.8.3-5]",
                packet(0x82, bytes(0, 1, 0), str("a"), bytes(0x40)));
        assertViolation(MalformedPacket.Violation.MALFORMED, "reserved bits are not 0 [MQTT-3.8.3-5]",
                packet(0x82, bytes(0, 1, 0), str("a"), bytes(0x80)));
        assertViolation(MalformedPacket.Violation.PROTOCOL_ERROR, "retain handling is 3",
                packet(0x82, bytes(0, 1, 0), str("a"), bytes(0x30)));
        assertViolation(MalformedPacket.Violation.MALFORMED, "maximum QoS is 3",
                packet(0x82, bytes(0, 1, 0), str("a"), bytes(0x03)));
    }

    @Test
    void authIsReservedInMqtt311() {
        try (Wire.Decoding decoding = decode(bytes(0xF0, 0))) {
            MalformedPacket malformed = assertInstanceOf(MalformedPacket.class, decoding.messages().get(0));
            assertTrue(malformed.reason().contains("reserved packet type 15"), malformed.reason());
            assertEquals(MQTT_3_1_1, malformed.version());
        }
    }

    @Test
    void aMalformedMqtt5ConnectIsAnsweredWithAnMqtt5ConnAck() {
        try (Wire.Decoding decoding = decode(connect5(bytes(3, 0x21, 0, 0)))) {
            MalformedPacket malformed = assertInstanceOf(MalformedPacket.class, decoding.messages().get(0));
            assertEquals(MQTT_5, malformed.version());
            assertEquals(ReasonCode.PROTOCOL_ERROR, malformed.reasonCode());
            decoding.channel().pipeline().addFirst(MqttEncoder.INSTANCE);
            decoding.channel().writeOutbound(ConnAck.refuse(malformed.reasonCode()));
            io.netty.buffer.ByteBuf sent = decoding.channel().readOutbound();
            assertArrayEquals(bytes(0x20, 3, 0, 0x82, 0), io.netty.buffer.ByteBufUtil.getBytes(sent));
            sent.release();
        }
    }

    @Test
    void packetTooLargeCarriesItsReasonCode() {
        try (Wire.Decoding decoding = decode(MQTT_5, 16, packet(0x30, str("topic"), new byte[20]))) {
            MalformedPacket malformed = assertInstanceOf(MalformedPacket.class, decoding.messages().get(0));
            assertEquals(ReasonCode.PACKET_TOO_LARGE, malformed.reasonCode());
            assertEquals(MQTT_5, malformed.version());
        }
    }

    /** An MQTT 5 CONNECT, client identifier "c", with these CONNECT properties (length included). */
    private static byte[] connect5(byte[] properties) {
        return packet(0x10, str("MQTT"), bytes(5, 0x02, 0, 0), properties, str("c"));
    }

    private static void assertConnectViolation(MalformedPacket.Violation violation, String fragment, byte[] input) {
        assertRejected(null, violation, fragment, input);
    }

    private static void assertViolation(MalformedPacket.Violation violation, String fragment, byte[] input) {
        assertRejected(MQTT_5, violation, fragment, input);
    }

    /** Rejected with this violation, whole and byte by byte, and nothing decoded after it. */
    private static void assertRejected(MqttProtocolVersion version, MalformedPacket.Violation violation,
                                       String fragment, byte[] input) {
        List<byte[][]> readings = new ArrayList<>();
        readings.add(new byte[][] {concat(input, PINGREQ)});
        byte[][] oneBytePerRead = new byte[input.length + 1][];
        for (int i = 0; i < input.length; i++) {
            oneBytePerRead[i] = new byte[] {input[i]};
        }
        oneBytePerRead[input.length] = PINGREQ;
        readings.add(oneBytePerRead);
        for (byte[][] reads : readings) {
            try (Wire.Decoding decoding = decode(version, MqttDecoder.DEFAULT_MAX_PACKET_SIZE, reads)) {
                List<MqttInbound> messages = decoding.messages();
                assertEquals(1, messages.size(), () -> "expected one MalformedPacket but got " + messages);
                MalformedPacket malformed = assertInstanceOf(MalformedPacket.class, messages.get(0));
                assertEquals(violation, malformed.violation(), malformed::reason);
                assertEquals(MQTT_5, malformed.version());
                assertTrue(malformed.reason().contains(fragment),
                        () -> "reason \"" + malformed.reason() + "\" should contain \"" + fragment + "\"");
            }
        }
    }
}
