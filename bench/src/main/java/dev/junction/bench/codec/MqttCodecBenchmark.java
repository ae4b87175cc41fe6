package dev.junction.bench.codec;

import dev.junction.bench.Payloads;
import dev.junction.mqtt.codec.MqttDecoder;
import dev.junction.mqtt.codec.MqttEncoder;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.Publish;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The MQTT codec on its own, per packet: PUBLISH packets decoded from socket reads of {@value #PACKETS_PER_READ}
 * whole packets each, and PUBLISH and PUBACK encoded as a session writes them (a new packet around a retained
 * duplicate of the stored payload, the void promise). The decoded packets and written buffers go to a
 * {@link Blackhole} and are released; the payloads are pooled direct buffers, as a socket read leaves them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MqttCodecBenchmark {
    /** 30 bytes, as a device fleet's telemetry topics are. */
    static final String TOPIC = "site/17/device/420/temperature";
    /**
     * A busy connection's read holds many small packets; the decoder's per-read work (taking the buffer, releasing
     * it) is shared by them.
     */
    static final int PACKETS_PER_READ = 32;

    private CodecChannel codec;
    private int packetId;

    @Setup(Level.Trial)
    public void open(Blackhole blackhole) {
        open(blackhole::consume);
    }

    void open(Consumer<Object> sink) {
        codec = new CodecChannel(new MqttDecoder(), MqttEncoder.INSTANCE, sink);
    }

    @TearDown(Level.Trial)
    public void close() {
        codec.close();
    }

    /** The PUBLISH packets of one parameter combination: their payload, and one read's worth encoded. */
    @State(Scope.Thread)
    public static class Publishes {
        @Param({"0", "1"})
        public int qos;

        @Param({"64", "1024"})
        public int payloadBytes;

        ByteBuf payload;
        ByteBuf read;
        private int packetId;

        @Setup(Level.Trial)
        public void encode() {
            payload = Payloads.direct(payloadBytes);
            List<Publish> publishes = new ArrayList<>();
            for (int i = 0; i < PACKETS_PER_READ; i++) {
                publishes.add(next());
            }
            read = CodecChannel.encoded(MqttEncoder.INSTANCE, publishes);
        }

        Publish next() {
            MqttQos level = MqttQos.of(qos);
            int id = level == MqttQos.AT_MOST_ONCE ? 0 : (packetId = nextPacketId(packetId));
            return new Publish(TOPIC, level, false, false, id, payload.retainedDuplicate());
        }

        @TearDown(Level.Trial)
        public void release() {
            payload.release();
            read.release();
        }
    }

    /** 1..65535 and round again: 0 is not a packet identifier. */
    static int nextPacketId(int previous) {
        return previous % 65_535 + 1;
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS_PER_READ)
    public void decodePublish(Publishes publishes) throws Exception {
        codec.read(publishes.read.retainedDuplicate());
    }

    @Benchmark
    public void encodePublish(Publishes publishes) throws Exception {
        codec.write(publishes.next());
    }

    @Benchmark
    public void encodePubAck() throws Exception {
        packetId = nextPacketId(packetId);
        codec.write(new PubAck(packetId));
    }

    long packetsRead() {
        return codec.messagesRead();
    }

    long buffersWritten() {
        return codec.buffersWritten();
    }
}
