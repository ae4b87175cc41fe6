package dev.junction.mqtt.codec;

import static dev.junction.mqtt.codec.Wire.decode;
import static dev.junction.mqtt.codec.Wire.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Randomly damaged streams, cut into random reads, from a fixed seed so a failure reproduces. Whatever the damage,
 * the decoder must not throw, must end with at most one rejection, and everything it accepts must re-encode to the
 * same bytes and agree with Netty's decoder.
 */
@ExtendWith(LeakGuard.class)
class MutationFuzzTest {
    private static final long SEED = 0x4A554E4354494F4EL;
    private static final int ROUNDS = 3_000;

    private final List<MqttPacket> samples = SamplePackets.all();

    @AfterEach
    void releaseSamples() {
        Wire.releaseAll(samples);
    }

    @Test
    void damagedStreamsAreDecodedOrRejectedNeverThrown() {
        List<byte[]> encoded = samples.stream().map(Wire::encode).toList();
        assertBothOutcomes(damageAndDecode(new Random(SEED), new byte[0], encoded));
    }

    /**
     * Streams that start with an MQTT 5 CONNECT (the damage may hit it too, so the rest may decode as 3.1.1 or be
     * rejected with it). Netty's decoder is not consulted here: NettyOracleTest covers MQTT 5 agreement.
     */
    @Test
    void damagedMqtt5StreamsAreDecodedOrRejectedNeverThrown() {
        List<MqttPacket> samples5 = SamplePackets.all5();
        try {
            List<byte[]> encoded = samples5.stream().map(packet -> encode(packet, MqttProtocolVersion.MQTT_5))
                    .toList();
            assertBothOutcomes(damageAndDecode(new Random(SEED + 5), encoded.get(0), encoded));
        } finally {
            Wire.releaseAll(samples5);
        }
    }

    private static void assertBothOutcomes(int[] acceptedAndRejected) {
        int accepted = acceptedAndRejected[0];
        int rejected = acceptedAndRejected[1];
        assertTrue(accepted > ROUNDS / 4 && rejected > ROUNDS / 4,
                "the mutations exercise both outcomes: " + accepted + " accepted, " + rejected + " rejected");
    }

    /** @return how many packets were accepted and how many streams rejected */
    private static int[] damageAndDecode(Random random, byte[] prefix, List<byte[]> encoded) {
        int accepted = 0;
        int rejected = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] stream = mutate(random, Wire.concat(prefix, pick(random, encoded), pick(random, encoded)));
            try (Wire.Decoding decoding = decode(splitRandomly(random, stream))) {
                List<MqttInbound> messages = decoding.messages();
                MqttProtocolVersion version = MqttProtocolVersion.MQTT_3_1_1;
                for (int i = 0; i < messages.size(); i++) {
                    MqttInbound message = messages.get(i);
                    if (message instanceof MqttPacket packet) {
                        accepted++;
                        if (packet instanceof Connect connect) {
                            version = connect.version();
                        }
                        assertReencodesIdentically(packet, version);
                        if (!version.isMqtt5()) {
                            assertNettyAgrees(packet);
                        }
                    } else {
                        rejected++;
                        assertEquals(messages.size() - 1, i, () -> "nothing may follow a rejection: " + messages);
                    }
                }
            }
        }
        return new int[] {accepted, rejected};
    }

    private static void assertReencodesIdentically(MqttPacket packet, MqttProtocolVersion version) {
        try (Wire.Decoding again = decode(packet instanceof Connect ? null : version,
                MqttDecoder.DEFAULT_MAX_PACKET_SIZE, encode(packet, version))) {
            assertEquals(List.of(packet), again.messages());
        }
    }

    /** Netty is laxer than the standard in places, but whatever we accept it must read the same way. */
    private static void assertNettyAgrees(MqttPacket packet) {
        if (packet instanceof Connect connect && connect.version() == MqttProtocolVersion.MQTT_3_1
                && (connect.clientId().isEmpty() || connect.clientId().length() > 23)) {
            return; // Netty enforces 3.1's 1..23 character identifiers, which 3.1.1 relaxed and this decoder accepts.
        }
        if (packet instanceof Publish publish && (publish.topic().contains("+") || publish.topic().contains("#"))) {
            return; // Netty refuses wildcards in topic names itself; here that rule is the broker's, not the codec's.
        }
        EmbeddedChannel netty = new EmbeddedChannel(new io.netty.handler.codec.mqtt.MqttDecoder(1 << 20, 0xFFFF));
        netty.writeInbound(Wire.tracked(encode(packet)));
        MqttMessage decoded = netty.readInbound();
        MqttPacket converted = null;
        try {
            assertTrue(decoded.decoderResult().isSuccess(), () -> packet + ": " + decoded.decoderResult());
            converted = NettyOracleTest.fromNetty(decoded);
            assertEquals(packet, converted);
        } finally {
            ReferenceCountUtil.release(decoded);
            ReferenceCountUtil.release(converted);
            netty.finishAndReleaseAll();
        }
    }

    private static byte[] pick(Random random, List<byte[]> encoded) {
        return encoded.get(random.nextInt(encoded.size()));
    }

    /** One to three damages: overwrite a byte, flip a bit, cut the end, or drop a span. */
    private static byte[] mutate(Random random, byte[] stream) {
        byte[] result = stream.clone();
        for (int damages = 1 + random.nextInt(3); damages > 0 && result.length > 1; damages--) {
            int at = random.nextInt(result.length);
            switch (random.nextInt(4)) {
                case 0 -> result[at] = (byte) random.nextInt(256);
                case 1 -> result[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> result = Arrays.copyOf(result, Math.max(1, at));
                default -> {
                    int end = Math.min(result.length, at + 1 + random.nextInt(4));
                    byte[] shorter = new byte[result.length - (end - at)];
                    System.arraycopy(result, 0, shorter, 0, at);
                    System.arraycopy(result, end, shorter, at, result.length - end);
                    result = shorter.length == 0 ? result : shorter;
                }
            }
        }
        return result;
    }

    private static byte[][] splitRandomly(Random random, byte[] stream) {
        List<byte[]> reads = new ArrayList<>();
        for (int start = 0; start < stream.length; ) {
            int end = Math.min(stream.length, start + 1 + random.nextInt(8));
            reads.add(Arrays.copyOfRange(stream, start, end));
            start = end;
        }
        return reads.toArray(byte[][]::new);
    }
}
