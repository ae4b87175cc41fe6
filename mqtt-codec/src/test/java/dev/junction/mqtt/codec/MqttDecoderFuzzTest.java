package dev.junction.mqtt.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of {@link MqttDecoder} with Jazzer, MQTT 3.1.1 and 5.0 (a stream is decoded as MQTT 5 after
 * an MQTT 5 CONNECT; the corpus has seeds of both). Without {@code -Pfuzz} this replays the committed
 * corpus ({@code src/test/resources/dev/junction/mqtt/codec/MqttDecoderFuzzTestInputs/decode}) as a regression
 * test; with it, Jazzer mutates that corpus for the profile's bounded time.
 */
@ExtendWith(LeakGuard.class)
class MqttDecoderFuzzTest {
    /** Small, so that the size limit is hit as often as bodies are parsed. */
    private static final int MAX_PACKET_SIZE = 512;

    /**
     * Any bytes are decoded or rejected, never thrown; at most one rejection, nothing after it; every buffer is
     * released once; every packet accepted re-encodes to itself; and the outcome does not depend on how the stream
     * is cut into reads (here: all at once, and one byte per read).
     */
    @FuzzTest(maxDuration = "5m")
    void decode(byte[] stream) {
        try (Wire.Decoding whole = Wire.decode(MAX_PACKET_SIZE, stream);
             Wire.Decoding bytewise = Wire.decode(MAX_PACKET_SIZE, oneBytePerRead(stream))) {
            List<MqttInbound> messages = whole.messages();
            assertEquals(messages, bytewise.messages(), "the same stream read whole and byte by byte");
            MqttProtocolVersion version = MqttProtocolVersion.MQTT_3_1_1;
            for (int i = 0; i < messages.size(); i++) {
                if (messages.get(i) instanceof MqttPacket packet) {
                    // A CONNECT switches the stream to its version; it is re-decoded as a connection's first packet.
                    if (packet instanceof Connect connect) {
                        version = connect.version();
                    }
                    try (Wire.Decoding again = Wire.decode(packet instanceof Connect ? null : version,
                            MAX_PACKET_SIZE, Wire.encode(packet, version))) {
                        assertEquals(List.of(packet), again.messages(), "re-encoded and decoded again");
                    }
                } else {
                    assertEquals(messages.size() - 1, i, "nothing may follow a rejection: " + messages);
                }
            }
        }
    }

    private static byte[][] oneBytePerRead(byte[] stream) {
        byte[][] reads = new byte[stream.length][];
        for (int i = 0; i < stream.length; i++) {
            reads[i] = new byte[]{stream[i]};
        }
        return reads;
    }
}
