package dev.junction.mqtt.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MQTT 3.1.1 clients see nothing of MQTT 5: every 3.1.1 packet is byte for byte what Netty's 3.1.1 encoder writes,
 * whether the connection's version is unset (before CONNECT) or set to 3.1.1 by the decoder, and the sizes the
 * server checks against are the real ones.
 */
@ExtendWith(LeakGuard.class)
class Mqtt311UnchangedTest {
    private final List<MqttPacket> samples = SamplePackets.all();

    @AfterEach
    void releaseSamples() {
        Wire.releaseAll(samples);
    }

    @Test
    void everyPacketIsByteForByteNettys311Encoding() {
        for (MqttPacket packet : samples) {
            byte[] expected = nettyEncoding(packet);
            assertArrayEquals(expected, Wire.encode(packet), packet::toString);
            assertArrayEquals(expected, Wire.encode(packet, MqttProtocolVersion.MQTT_3_1_1), packet::toString);
            assertEquals(expected.length, MqttEncoder.encodedSize(packet, MqttProtocolVersion.MQTT_3_1_1));
        }
    }

    @Test
    void aConnectionThatSentA311ConnectStaysOn311() {
        try (Wire.Decoding decoding = Wire.decode(Wire.encode(samples.get(0)))) {
            assertEquals(MqttProtocolVersion.MQTT_3_1_1, MqttChannelVersion.of(decoding.channel()));
        }
    }

    private static byte[] nettyEncoding(MqttPacket packet) {
        EmbeddedChannel netty = new EmbeddedChannel(io.netty.handler.codec.mqtt.MqttEncoder.INSTANCE);
        netty.writeOutbound(NettyOracleTest.toNetty(packet));
        return Wire.drainOutbound(netty);
    }
}
