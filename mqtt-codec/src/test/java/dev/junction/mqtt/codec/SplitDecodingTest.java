package dev.junction.mqtt.codec;

import static dev.junction.mqtt.codec.Wire.assertDecoded;
import static dev.junction.mqtt.codec.Wire.decode;
import static dev.junction.mqtt.codec.Wire.encode;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The decoder yields the same packets however the stream is cut into reads. */
@ExtendWith(LeakGuard.class)
class SplitDecodingTest {
    private final List<MqttPacket> samples = SamplePackets.all();

    @AfterEach
    void releaseSamples() {
        Wire.releaseAll(samples);
    }

    @Test
    void everyPacketDecodesOneByteAtATime() {
        for (MqttPacket packet : samples) {
            assertDecoded(List.of(packet), decode(oneBytePerRead(encode(packet))));
        }
    }

    @Test
    void everyPacketDecodesUnderEveryTwoWaySplit() {
        for (MqttPacket packet : samples) {
            byte[] bytes = encode(packet);
            for (int cut = 1; cut < bytes.length; cut++) {
                assertDecoded(List.of(packet),
                        decode(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length)));
            }
        }
    }

    @Test
    void allPacketsInOneReadDecodeInOrder() {
        assertDecoded(samples, decode(allEncoded()));
    }

    @Test
    void allPacketsStreamedOneByteAtATimeDecodeInOrder() {
        assertDecoded(samples, decode(oneBytePerRead(allEncoded())));
    }

    @Test
    void allPacketsUnderEveryTwoWaySplitOfTheWholeStream() {
        byte[] stream = allEncoded();
        for (int cut = 1; cut < stream.length; cut++) {
            assertDecoded(samples,
                    decode(Arrays.copyOfRange(stream, 0, cut), Arrays.copyOfRange(stream, cut, stream.length)));
        }
    }

    private byte[] allEncoded() {
        return Wire.concat(samples.stream().map(Wire::encode).toArray(byte[][]::new));
    }

    private static byte[][] oneBytePerRead(byte[] bytes) {
        byte[][] reads = new byte[bytes.length][];
        for (int i = 0; i < bytes.length; i++) {
            reads[i] = new byte[] {bytes[i]};
        }
        return reads;
    }
}
