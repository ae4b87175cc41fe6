package dev.junction.mqtt.codec;

import static dev.junction.mqtt.codec.Wire.bytes;
import static dev.junction.mqtt.codec.Wire.concat;
import static dev.junction.mqtt.codec.Wire.decode;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every rule the decoder enforces: one MalformedPacket naming it, then silence whatever follows. */
@ExtendWith(LeakGuard.class)
class MalformedInputTest {
    private static final byte[] PINGREQ = bytes(0xC0, 0x00);
    private static final byte[] CONNECT_HEADER_311 = concat(str("MQTT"), bytes(4));

    @Test
    void reservedPacketTypes() {
        assertMalformed("reserved packet type 0", bytes(0x00, 0x00));
        assertMalformed("reserved packet type 15", bytes(0xF0, 0x00));
    }

    @Test
    void fixedHeaderFlags() {
        assertMalformed("PUBREL fixed header flags must be 0b0010 but are 0b0000 [MQTT-3.6.1-1]",
                bytes(0x60, 0x02, 0, 1));
        assertMalformed("SUBSCRIBE fixed header flags must be 0b0010 but are 0b0000 [MQTT-3.8.1-1]",
                packet(0x80, bytes(0, 1), str("a"), bytes(0)));
        assertMalformed("UNSUBSCRIBE fixed header flags must be 0b0010 but are 0b0011 [MQTT-3.10.1-1]",
                packet(0xA3, bytes(0, 1), str("a")));
        assertMalformed("CONNECT fixed header flags must be 0b0000 but are 0b0001 [MQTT-2.2.2-1]", bytes(0x11, 0x00));
        assertMalformed("PINGREQ fixed header flags must be 0b0000 but are 0b1000", bytes(0xC8, 0x00));
        assertMalformed("PUBACK fixed header flags must be 0b0000 but are 0b0010", bytes(0x42, 0x02, 0, 1));
    }

    @Test
    void flagsAreRejectedFromTheFirstByteAlone() {
        assertMalformed("PUBLISH has QoS 3", bytes(0x36));
        assertMalformed("DISCONNECT fixed header flags", bytes(0xE1));
    }

    @Test
    void publishQosAndDup() {
        assertMalformed("PUBLISH has QoS 3, which is reserved [MQTT-3.3.1-4]", packet(0x36, str("a"), bytes(0, 1)));
        assertMalformed("PUBLISH has DUP set with QoS 0 [MQTT-3.3.1-2]", packet(0x38, str("a")));
    }

    @Test
    void remainingLengthOfFiveBytes() {
        assertMalformed("remaining length continues past four bytes", bytes(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F));
        assertMalformed("remaining length continues past four bytes", bytes(0x30, 0x80, 0x80, 0x80, 0x80));
    }

    @Test
    void oversizedPacketIsRejectedFromItsFixedHeaderAlone() {
        // 268,435,455 bytes declared; only the five header bytes are ever sent.
        assertMalformed("PUBLISH packet of 268435460 bytes exceeds the maximum packet size of 1048576 bytes",
                bytes(0x30, 0xFF, 0xFF, 0xFF, 0x7F));
        assertMalformedWithLimit(100, "packet of 101 bytes exceeds the maximum packet size of 100 bytes",
                bytes(0x30, 99));
        try (Wire.Decoding decoding = decode(100, bytes(0x30, 99))) {
            assertEquals(MalformedPacket.Violation.PACKET_TOO_LARGE,
                    assertInstanceOf(MalformedPacket.class, decoding.messages().get(0)).violation());
        }
        try (Wire.Decoding decoding = decode(100, bytes(0x30, 0x80, 0x80, 0x80, 0x80))) {
            assertEquals(MalformedPacket.Violation.MALFORMED,
                    assertInstanceOf(MalformedPacket.class, decoding.messages().get(0)).violation());
        }
        byte[] exactlyAtLimit = packet(0x30, str("t"), new byte[100 - 2 - 3]);
        assertEquals(100, exactlyAtLimit.length);
        try (Wire.Decoding decoding = decode(100, exactlyAtLimit)) {
            assertInstanceOf(Publish.class, decoding.messages().get(0));
        }
    }

    @Test
    void utf8StringsMustBeWellFormed() {
        assertMalformed("PUBLISH topic name is not well-formed UTF-8 [MQTT-1.5.3-1]",
                publishWithTopicBytes(0xC0, 0x80)); // overlong U+0000
        assertMalformed("PUBLISH topic name is not well-formed UTF-8", publishWithTopicBytes(0xE0, 0x80, 0xAF));
        assertMalformed("PUBLISH topic name is not well-formed UTF-8", publishWithTopicBytes(0x80));
        assertMalformed("PUBLISH topic name is not well-formed UTF-8", publishWithTopicBytes(0xFF));
        assertMalformed("PUBLISH topic name is not well-formed UTF-8", publishWithTopicBytes('a', 0xE2, 0x82));
        assertMalformed("PUBLISH topic name is not well-formed UTF-8", publishWithTopicBytes(0xF4, 0x90, 0x80, 0x80));
        assertMalformed("PUBLISH topic name is not well-formed UTF-8", publishWithTopicBytes(0xC3, 'a'));
        assertMalformed("PUBLISH topic name encodes a UTF-16 surrogate [MQTT-1.5.3-1]",
                publishWithTopicBytes(0xED, 0xA0, 0x80));
        assertMalformed("PUBLISH topic name encodes a UTF-16 surrogate", publishWithTopicBytes(0xED, 0xBF, 0xBF));
        assertMalformed("PUBLISH topic name contains U+0000 [MQTT-1.5.3-2]", publishWithTopicBytes('a', 0, 'b'));
        assertMalformed("CONNECT client identifier contains U+0000",
                packet(0x10, CONNECT_HEADER_311, bytes(0x02, 0, 0), bytes(0, 1, 0)));
        assertMalformed("SUBSCRIBE topic filter is not well-formed UTF-8",
                packet(0x82, bytes(0, 1), bytes(0, 1, 0xC1), bytes(0)));
    }

    @Test
    void byteOrderMarkAndFourByteCharactersAreKept() {
        String topic = "\uFEFFa/\uD83D\uDE00";
        try (Wire.Decoding decoding = decode(packet(0x30, str(topic)))) {
            assertEquals(topic, ((Publish) decoding.messages().get(0)).topic());
        }
    }

    @Test
    void connectProtocolNameAndLevel() {
        assertMalformed("CONNECT protocol name is neither MQTT nor MQIsdp [MQTT-3.1.2-1]",
                packet(0x10, str("MQTX"), bytes(4, 0x02, 0, 0), str("c")));
        assertMalformed("CONNECT protocol name is neither MQTT nor MQIsdp",
                packet(0x10, str("mqtt"), bytes(4, 0x02, 0, 0), str("c")));
        assertUnacceptableLevel("MQTT", 6, packet(0x10, str("MQTT"), bytes(6, 0), bytes(0, 0, 0, 0, 0, 0, 0)));
        assertUnacceptableLevel("MQTT", 3, packet(0x10, str("MQTT"), bytes(3, 0x02, 0, 0), str("c")));
        assertUnacceptableLevel("MQIsdp", 4, packet(0x10, str("MQIsdp"), bytes(4, 0x02, 0, 0), str("c")));
    }

    @Test
    void connectFlags() {
        assertMalformed("CONNECT reserved connect flag is not 0 [MQTT-3.1.2-3]", connect(0x03, str("c")));
        assertMalformed("CONNECT will QoS is 3 [MQTT-3.1.2-14]", connect(0x1C, str("c"), str("w"), str("m")));
        assertMalformed("CONNECT will QoS is not 0 without the will flag [MQTT-3.1.2-13]", connect(0x0A, str("c")));
        assertMalformed("CONNECT will retain is set without the will flag [MQTT-3.1.2-15]", connect(0x22, str("c")));
        assertMalformed("CONNECT password flag is set without the user name flag [MQTT-3.1.2-22]",
                connect(0x42, str("c"), str("p")));
    }

    @Test
    void connectPayload() {
        assertMalformed("CONNECT client identifier length needs 2 bytes but only 0 remain", connect(0x02));
        assertMalformed("CONNECT will message length needs 2 bytes", connect(0x06, str("c"), str("w")));
        assertMalformed("CONNECT password length needs 2 bytes", connect(0xC2, str("c"), str("u")));
        assertMalformed("CONNECT has 1 bytes beyond its last field", connect(0x02, str("c"), bytes(9)));
        assertMalformed("CONNECT client identifier needs 5 bytes but only 1 remain", connect(0x02, bytes(0, 5, 'c')));
    }

    @Test
    void publishTopicAndPacketId() {
        assertMalformed("PUBLISH packet identifier is 0 [MQTT-2.3.1-1]", packet(0x32, str("a"), bytes(0, 0)));
        assertMalformed("PUBLISH packet identifier needs 2 bytes but only 1 remain", packet(0x34, str("a"), bytes(1)));
        assertMalformed("PUBLISH topic name length needs 2 bytes but only 0 remain", bytes(0x30, 0x00));
    }

    @Test
    void acknowledgements() {
        assertMalformed("PUBACK packet identifier is 0", bytes(0x40, 0x02, 0, 0));
        assertMalformed("PUBREC packet identifier is 0", bytes(0x50, 0x02, 0, 0));
        assertMalformed("PUBREL packet identifier is 0", bytes(0x62, 0x02, 0, 0));
        assertMalformed("PUBCOMP packet identifier is 0", bytes(0x70, 0x02, 0, 0));
        assertMalformed("UNSUBACK packet identifier is 0", bytes(0xB0, 0x02, 0, 0));
        assertMalformed("PUBACK remaining length must be 2 but is 3", bytes(0x40, 0x03));
        assertMalformed("PUBCOMP remaining length must be 2 but is 1", bytes(0x70, 0x01, 1));
        assertMalformed("CONNACK remaining length must be 2 but is 3", bytes(0x20, 0x03, 0, 0, 0));
        assertMalformed("PINGREQ remaining length must be 0 but is 1", bytes(0xC0, 0x01, 0));
        assertMalformed("PINGRESP remaining length must be 0 but is 2", bytes(0xD0, 0x02));
        assertMalformed("DISCONNECT remaining length must be 0 but is 1", bytes(0xE0, 0x01));
    }

    @Test
    void connAck() {
        assertMalformed("CONNACK reserved acknowledge flags are not 0", bytes(0x20, 0x02, 0x02, 0));
        assertMalformed("CONNACK return code 6 is reserved", bytes(0x20, 0x02, 0, 6));
        assertMalformed("CONNACK session present is set with a non-zero return code [MQTT-3.2.2-4]",
                bytes(0x20, 0x02, 1, 5));
    }

    @Test
    void subscribe() {
        assertMalformed("SUBSCRIBE has no topic filter [MQTT-3.8.3-3]", packet(0x82, bytes(0, 1)));
        assertMalformed("SUBSCRIBE packet identifier is 0", packet(0x82, bytes(0, 0), str("a"), bytes(0)));
        assertMalformed("SUBSCRIBE requested QoS reserved bits are not 0 [MQTT-3.8.3-4]",
                packet(0x82, bytes(0, 1), str("a"), bytes(0x04)));
        assertMalformed("SUBSCRIBE requested QoS reserved bits are not 0",
                packet(0x82, bytes(0, 1), str("a"), bytes(0x81)));
        assertMalformed("SUBSCRIBE requested QoS is 3", packet(0x82, bytes(0, 1), str("a"), bytes(3)));
        assertMalformed("SUBSCRIBE requested QoS needs 1 bytes but only 0 remain",
                packet(0x82, bytes(0, 1), str("a"), bytes(1), str("b")));
    }

    @Test
    void subAck() {
        assertMalformed("SUBACK return code 0x3 is reserved [MQTT-3.9.3-2]", packet(0x90, bytes(0, 1, 0, 3)));
        assertMalformed("SUBACK has no return code", packet(0x90, bytes(0, 1)));
    }

    @Test
    void unsubscribe() {
        assertMalformed("UNSUBSCRIBE has no topic filter [MQTT-3.10.3-2]", packet(0xA2, bytes(0, 1)));
        assertMalformed("UNSUBSCRIBE packet identifier is 0", packet(0xA2, bytes(0, 0), str("a")));
    }

    @Test
    void streamEndingMidPacketIsReportedOnlyAtTheEnd() {
        try (Wire.Decoding decoding = decode(bytes(0x30, 0x05, 0, 1))) {
            assertEquals(List.of(), decoding.messages(), "an incomplete packet waits for more input");
            decoding.channel().finish();
            assertEquals(List.of(new MalformedPacket("connection ended in the middle of a PUBLISH packet")),
                    Wire.drain(decoding.channel()));
        }
        try (Wire.Decoding decoding = decode(bytes(0xC0, 0x00, 0x30, 0x80))) {
            assertEquals(List.of(PingReq.INSTANCE), decoding.messages());
            decoding.channel().finish();
            assertEquals(List.of(new MalformedPacket("connection ended in the middle of a fixed header")),
                    Wire.drain(decoding.channel()));
        }
    }

    @Test
    void packetsBeforeTheViolationAreStillDelivered() {
        try (Wire.Decoding decoding = decode(concat(PINGREQ, bytes(0x40, 0x02, 0, 9), bytes(0x40, 0x02, 0, 0),
                PINGREQ))) {
            assertEquals(List.of(PingReq.INSTANCE, new PubAck(9),
                    new MalformedPacket("PUBACK packet identifier is 0 [MQTT-2.3.1-1]")), decoding.messages());
        }
    }

    @Test
    void nonMinimalRemainingLengthIsAccepted() {
        // 3.1.1 does not require the shortest encoding (MQTT 5 does); Netty's decoder accepts it too.
        try (Wire.Decoding decoding = decode(bytes(0xC0, 0x80, 0x00))) {
            assertEquals(List.of(PingReq.INSTANCE), decoding.messages());
        }
    }

    private static void assertMalformed(String reasonFragment, byte[] input) {
        assertMalformedWithLimit(MqttDecoder.DEFAULT_MAX_PACKET_SIZE, reasonFragment, input);
    }

    /**
     * Feeds the input in one read and then one byte per read, each time followed by valid packets in the same read
     * and in a later one: the decoder must report the same violation and then stay silent.
     */
    private static void assertMalformedWithLimit(int maxPacketSize, String reasonFragment, byte[] input) {
        byte[] followedByValid = concat(input, PINGREQ);
        byte[][] oneBytePerRead = new byte[followedByValid.length + 1][];
        for (int i = 0; i < followedByValid.length; i++) {
            oneBytePerRead[i] = new byte[] {followedByValid[i]};
        }
        oneBytePerRead[followedByValid.length] = PINGREQ;
        for (byte[][] reads : List.of(new byte[][] {followedByValid, PINGREQ}, oneBytePerRead)) {
            try (Wire.Decoding decoding = decode(maxPacketSize, reads)) {
                List<MqttInbound> messages = decoding.messages();
                assertEquals(1, messages.size(), () -> "expected only one MalformedPacket but got " + messages);
                MalformedPacket malformed = assertInstanceOf(MalformedPacket.class, messages.get(0));
                assertTrue(malformed.reason().contains(reasonFragment),
                        () -> "reason \"" + malformed.reason() + "\" should contain \"" + reasonFragment + "\"");
            }
        }
    }

    private static void assertUnacceptableLevel(String name, int level, byte[] input) {
        try (Wire.Decoding decoding = decode(concat(input, PINGREQ), PINGREQ)) {
            assertEquals(List.of(new UnacceptableProtocolLevel(name, level)), decoding.messages());
        }
    }

    private static byte[] connect(int connectFlags, byte[]... payload) {
        return packet(0x10, CONNECT_HEADER_311, bytes(connectFlags, 0, 30), concat(payload));
    }

    private static byte[] publishWithTopicBytes(int... topic) {
        return packet(0x30, bytes(0, topic.length), bytes(topic));
    }

    /** A packet whose remaining length is computed from its parts. */
    static byte[] packet(int firstByte, byte[]... parts) {
        byte[] body = concat(parts);
        var buf = Unpooled.buffer();
        buf.writeByte(firstByte);
        int length = body.length;
        do {
            int encoded = length & 0x7F;
            length >>>= 7;
            buf.writeByte(length > 0 ? encoded | 0x80 : encoded);
        } while (length > 0);
        buf.writeBytes(body);
        byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(buf);
        buf.release();
        return bytes;
    }

    static byte[] str(String s) {
        byte[] utf8 = s.getBytes(UTF_8);
        return concat(bytes(utf8.length >>> 8, utf8.length & 0xFF), utf8);
    }
}
