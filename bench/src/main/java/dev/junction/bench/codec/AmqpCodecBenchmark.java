package dev.junction.bench.codec;

import dev.junction.amqp.codec.AmqpCommand;
import dev.junction.amqp.codec.AmqpFrameDecoder;
import dev.junction.amqp.codec.AmqpFrameEncoder;
import dev.junction.amqp.codec.AmqpProtocolHeader;
import dev.junction.amqp.codec.method.Basic;
import dev.junction.amqp.codec.method.BasicProperties;
import dev.junction.bench.Payloads;
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
 * The AMQP codec on its own, per message: basic.publish with its content header and one body frame, decoded and
 * assembled into an {@link AmqpCommand} from socket reads of {@value #MESSAGES_PER_READ} messages each; and
 * basic.deliver with header and body encoded as a channel writes it (a new command around a retained duplicate of
 * the stored body, the void promise). Both ends negotiated RabbitMQ's default frame-max of 128 KiB, so every body
 * is one frame. Properties are prepared once: mapping them from the broker's message is not the codec's work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AmqpCodecBenchmark {
    static final int MESSAGES_PER_READ = 32;
    static final long FRAME_MAX = 131_072;
    static final int CHANNEL = 1;
    static final String EXCHANGE = "amq.topic";
    static final String ROUTING_KEY = "site.17.device.420.temperature";
    /** As long as the tags the RabbitMQ Java client generates. */
    static final String CONSUMER_TAG = "amq.ctag-Jx8cA1Qm5T0vYbKe9zWn2g";
    /** What a persistent publish of a typical client carries: delivery-mode and a content type. */
    static final BasicProperties PROPERTIES = new BasicProperties("application/octet-stream", null, null, 2, null,
            null, null, null, null, null, null, null, null, null);

    @Param({"64", "1024"})
    public int bodyBytes;

    private CodecChannel codec;
    ByteBuf body;
    ByteBuf read;
    private long deliveryTag;

    @Setup(Level.Trial)
    public void open(Blackhole blackhole) throws Exception {
        open(blackhole::consume);
    }

    void open(Consumer<Object> sink) throws Exception {
        AmqpFrameDecoder decoder = new AmqpFrameDecoder();
        decoder.setFrameMax(FRAME_MAX);
        codec = new CodecChannel(decoder, encoder(), sink);
        codec.read(AmqpProtocolHeader.newBuffer());

        body = Payloads.direct(bodyBytes);
        List<AmqpCommand> publishes = new ArrayList<>();
        for (int i = 0; i < MESSAGES_PER_READ; i++) {
            publishes.add(new AmqpCommand(CHANNEL, new Basic.Publish(0, EXCHANGE, ROUTING_KEY, false, false),
                    PROPERTIES, body.retainedDuplicate()));
        }
        read = CodecChannel.encoded(encoder(), publishes);
    }

    private static AmqpFrameEncoder encoder() {
        AmqpFrameEncoder encoder = new AmqpFrameEncoder();
        encoder.setFrameMax(FRAME_MAX);
        return encoder;
    }

    @TearDown(Level.Trial)
    public void close() {
        codec.close();
        body.release();
        read.release();
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES_PER_READ)
    public void decodePublish() throws Exception {
        codec.read(read.retainedDuplicate());
    }

    @Benchmark
    public void encodeDeliver() throws Exception {
        codec.write(new AmqpCommand(CHANNEL, new Basic.Deliver(CONSUMER_TAG, ++deliveryTag, false, EXCHANGE,
                ROUTING_KEY), PROPERTIES, body.retainedDuplicate()));
    }

    long messagesRead() {
        return codec.messagesRead();
    }

    long buffersWritten() {
        return codec.buffersWritten();
    }
}
