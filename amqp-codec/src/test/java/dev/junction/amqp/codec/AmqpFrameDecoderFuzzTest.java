package dev.junction.amqp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link AmqpFrameDecoder} and the content assembly behind it, with Jazzer. The input is
 * what a client sends after a correct protocol header. Without {@code -Pfuzz} this replays the committed corpus
 * ({@code src/test/resources/dev/junction/amqp/codec/AmqpFrameDecoderFuzzTestInputs/decode}) as a regression test.
 */
class AmqpFrameDecoderFuzzTest {
    private static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    /** A decoded message by value, so that outputs compare after their buffers are released. */
    private record Received(int channel, Object message, Object properties, String body) {
    }

    /**
     * Any frames are decoded or answered with one decode error, never thrown, with nothing after the error; every
     * buffer is released once; the outcome does not depend on how the stream is cut into reads; and every command
     * decoded re-encodes to frames that decode to the same command.
     */
    @FuzzTest(maxDuration = "5m")
    void decode(byte[] frames) {
        byte[] stream = new byte[PROTOCOL_HEADER.length + frames.length];
        System.arraycopy(PROTOCOL_HEADER, 0, stream, 0, PROTOCOL_HEADER.length);
        System.arraycopy(frames, 0, stream, PROTOCOL_HEADER.length, frames.length);

        List<Received> whole = decode(List.of(stream));
        List<byte[]> bytewise = new ArrayList<>(stream.length);
        for (byte b : stream) {
            bytewise.add(new byte[]{b});
        }
        assertEquals(whole, decode(bytewise), "the same stream read whole and byte by byte");
        for (int i = 0; i < whole.size(); i++) {
            if (whole.get(i).message() instanceof AmqpDecodeError) {
                assertEquals(whole.size() - 1, i, "nothing may follow a decode error: " + whole);
            }
        }
    }

    private static List<Received> decode(List<byte[]> reads) {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameDecoder());
        List<ByteBuf> inputs = new ArrayList<>(reads.size());
        List<Received> received = new ArrayList<>();
        for (byte[] read : reads) {
            ByteBuf input = ByteBufAllocator.DEFAULT.heapBuffer(read.length).writeBytes(read);
            inputs.add(input);
            channel.writeInbound(input);
            for (Object message; (message = channel.readInbound()) != null; ) {
                received.add(toReceived(message));
            }
        }
        channel.finishAndReleaseAll();
        for (ByteBuf input : inputs) {
            assertEquals(0, input.refCnt(), "input released once the commands are released");
        }
        return received;
    }

    private static Received toReceived(Object message) {
        if (message instanceof AmqpCommand command) {
            try {
                assertReencodes(command);
                return new Received(command.channel(), command.method(), command.properties(),
                        ByteBufUtil.hexDump(command.body()));
            } finally {
                command.release();
            }
        }
        return new Received(0, message, null, "");
    }

    private static void assertReencodes(AmqpCommand command) {
        EmbeddedChannel encoder = new EmbeddedChannel(new AmqpFrameEncoder());
        encoder.writeOutbound(command.retain());
        ByteBuf encoded = Unpooled.buffer().writeBytes(PROTOCOL_HEADER);
        for (ByteBuf part; (part = encoder.readOutbound()) != null; ) {
            encoded.writeBytes(part);
            part.release();
        }
        encoder.finishAndReleaseAll();
        EmbeddedChannel decoder = new EmbeddedChannel(new AmqpFrameDecoder());
        decoder.writeInbound(encoded);
        AmqpCommand again = assertInstanceOf(AmqpCommand.class, decoder.readInbound());
        try {
            assertEquals(new Received(command.channel(), command.method(), command.properties(),
                            ByteBufUtil.hexDump(command.body())),
                    new Received(again.channel(), again.method(), again.properties(), ByteBufUtil.hexDump(again.body())),
                    "re-encoded and decoded again");
        } finally {
            again.release();
            decoder.finishAndReleaseAll();
        }
    }
}
