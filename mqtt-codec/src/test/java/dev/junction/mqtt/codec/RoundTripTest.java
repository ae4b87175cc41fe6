package dev.junction.mqtt.codec;

import static dev.junction.mqtt.codec.Wire.assertDecoded;
import static dev.junction.mqtt.codec.Wire.decode;
import static dev.junction.mqtt.codec.Wire.encode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakGuard.class)
class RoundTripTest {
    private final List<MqttPacket> samples = SamplePackets.all();

    @AfterEach
    void releaseSamples() {
        Wire.releaseAll(samples);
    }

    @Test
    void everySampleSurvivesEncodeThenDecode() {
        for (MqttPacket packet : samples) {
            assertDecoded(List.of(packet), decode(encode(packet)));
        }
    }

    @Test
    void encodingIsByteExactForKnownPackets() {
        assertArrayEquals(Wire.bytes(0xC0, 0x00), encode(PingReq.INSTANCE));
        assertArrayEquals(Wire.bytes(0x62, 0x02, 0xFF, 0xFF), encode(new PubRel(0xFFFF)));
        assertArrayEquals(Wire.bytes(0x20, 0x02, 0x01, 0x00), encode(new ConnAck(true, ConnectReturnCode.ACCEPTED)));
        assertArrayEquals(Wire.bytes(0x10, 0x0D, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 1, 'c'),
                encode(samples.get(0)));
        Publish publish = new Publish("/", MqttQos.AT_LEAST_ONCE, true, true, 1, Wire.payload("hi"));
        try {
            assertArrayEquals(Wire.bytes(0x3B, 0x07, 0, 1, '/', 0, 1, 'h', 'i'), encode(publish));
        } finally {
            publish.release();
        }
    }

    @Test
    void edgeCasesRoundTrip() {
        List<MqttPacket> edgeCases = SamplePackets.edgeCases();
        try {
            for (MqttPacket packet : edgeCases) {
                assertDecoded(List.of(packet), decode(SamplePackets.EDGE_CASE_MAX_PACKET_SIZE, encode(packet)));
            }
        } finally {
            Wire.releaseAll(edgeCases);
        }
    }

    @Test
    void fourByteRemainingLengthIsWritten() {
        List<MqttPacket> edgeCases = SamplePackets.edgeCases();
        try {
            byte[] encoded = encode(edgeCases.get(4));
            assertEquals(1 + 4 + 2 + 3 + 2_097_152, encoded.length);
            assertArrayEquals(Wire.bytes(0x30, 0x85, 0x80, 0x80, 0x01), Arrays.copyOf(encoded, 5));
        } finally {
            Wire.releaseAll(edgeCases);
        }
    }

    @Test
    void publishPayloadIsWrittenByReferenceNotCopied() {
        ByteBuf payload = Wire.payload("shared");
        Publish publish = new Publish("t", MqttQos.AT_MOST_ONCE, false, false, 0, payload);
        EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        channel.writeOutbound(publish.retain());
        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();
        try {
            assertEquals(2, payload.refCnt(), "the written buffer holds one reference, the caller the other");
            payload.setByte(0, 'S');
            assertEquals((byte) 'S', body.getByte(body.readerIndex()),
                    "the written buffer shares the payload's memory");
            assertEquals(5, header.readableBytes());
        } finally {
            header.release();
            body.release();
            payload.release();
        }
        assertEquals(0, payload.refCnt());
    }

    @Test
    void decodedPayloadIsASliceOfTheInput() {
        ByteBuf in = Wire.tracked(Wire.bytes(0x30, 0x05, 0, 1, 't', 'a', 'b'));
        EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder());
        channel.writeInbound(in.retain());
        Publish publish = channel.readInbound();
        try {
            in.setByte(5, 'Z');
            assertEquals((byte) 'Z', publish.payload().getByte(publish.payload().readerIndex()));
        } finally {
            publish.release();
            in.release();
        }
        assertEquals(0, in.refCnt());
    }

    @Test
    void unsendableStringsAreRefusedByTheEncoder() {
        List<MqttPacket> unsendable = new ArrayList<>();
        unsendable.add(new Connect(MqttProtocolVersion.MQTT_3_1_1, true, 0, "a\u0000b", null, null, null));
        unsendable.add(new Connect(MqttProtocolVersion.MQTT_3_1_1, true, 0, "x\uD800", null, null, null));
        unsendable.add(new Connect(MqttProtocolVersion.MQTT_3_1_1, true, 0, "c".repeat(0x10000), null, null, null));
        unsendable.add(new Connect(MqttProtocolVersion.MQTT_3_1_1, true, 0, "c", null, "u", new byte[0x10000]));
        for (MqttPacket packet : unsendable) {
            EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
            assertThrows(EncoderException.class, () -> channel.writeOutbound(packet), packet::toString);
            assertNull(channel.readOutbound());
        }
    }

    @Test
    void invalidPacketsCannotBeConstructed() {
        assertInvalidPublish("a\u0000", MqttQos.AT_MOST_ONCE, false, 0);
        assertInvalidPublish("a".repeat(0x10000), MqttQos.AT_MOST_ONCE, false, 0);
        assertInvalidPublish("a", MqttQos.AT_MOST_ONCE, true, 0);
        assertInvalidPublish("a", MqttQos.AT_LEAST_ONCE, false, 0);
        assertInvalidPublish("a", MqttQos.AT_MOST_ONCE, false, 3);
        assertThrows(IllegalArgumentException.class, () -> new PubAck(0x10000));
        assertThrows(IllegalArgumentException.class, () -> new Subscribe(1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Unsubscribe(1, List.of("\ud800")));
        assertThrows(IllegalArgumentException.class, () -> new ConnAck(true, ConnectReturnCode.NOT_AUTHORIZED));
        assertThrows(IllegalArgumentException.class,
                () -> new Connect(MqttProtocolVersion.MQTT_3_1_1, true, 0, "c", null, null, new byte[1]));
        assertThrows(IllegalArgumentException.class,
                () -> new Connect(MqttProtocolVersion.MQTT_3_1_1, true, 0x10000, "c", null, null, null));
    }

    private static void assertInvalidPublish(String topic, MqttQos qos, boolean dup, int packetId) {
        assertThrows(IllegalArgumentException.class,
                () -> new Publish(topic, qos, dup, false, packetId, Unpooled.EMPTY_BUFFER));
    }

    @Test
    void connectNeverPrintsItsPassword() {
        Connect connect = new Connect(MqttProtocolVersion.MQTT_3_1_1, true, 0, "c", null, "u", "s3cret".getBytes());
        assertEquals(-1, connect.toString().indexOf("s3cret"));
    }
}
