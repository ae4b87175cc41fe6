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
import java.util.HexFormat;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link AmqpFrameDecoder} and the content assembly behind it, with Jazzer. The input is
 * what a client sends after a correct protocol header. Without {@code -Pfuzz} this replays the committed corpus
 * ({@code src/test/resources/dev/junction/amqp/codec/AmqpFrameDecoderFuzzTestInputs/decode}) as a regression test.
 */
class AmqpFrameDecoderFuzzTest {
    private static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

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

        List<Object> whole = decode(List.of(stream));
        List<byte[]> bytewise = new ArrayList<>(stream.length);
        for (byte b : stream) {
            bytewise.add(new byte[]{b});
        }
        assertEquals(whole, decode(bytewise), "the same stream read whole and byte by byte");
        for (int i = 0; i < whole.size(); i++) {
            if (whole.get(i) instanceof AmqpDecodeError) {
                assertEquals(whole.size() - 1, i, "nothing may follow a decode error: " + whole);
            }
        }
    }

    /** What the decoder emitted, commands as the hex of their re-encoding so that they compare by value. */
    private static List<Object> decode(List<byte[]> reads) {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameDecoder());
        List<ByteBuf> inputs = new ArrayList<>(reads.size());
        List<Object> received = new ArrayList<>();
        for (byte[] read : reads) {
            ByteBuf input = ByteBufAllocator.DEFAULT.heapBuffer(read.length).writeBytes(read);
            inputs.add(input);
            channel.writeInbound(input);
            for (Object message; (message = channel.readInbound()) != null; ) {
                received.add(message instanceof AmqpCommand command ? reencoded(command) : message);
            }
        }
        channel.finishAndReleaseAll();
        for (ByteBuf input : inputs) {
            assertEquals(0, input.refCnt(), "input released once the commands are released");
        }
        return received;
    }

    /** Releases the command; checks that its encoding decodes to a command with the same encoding. */
    private static String reencoded(AmqpCommand command) {
        String frames = encode(command);
        EmbeddedChannel decoder = new EmbeddedChannel(new AmqpFrameDecoder());
        decoder.writeInbound(Unpooled.wrappedBuffer(PROTOCOL_HEADER, HexFormat.of().parseHex(frames)));
        AmqpCommand again = assertInstanceOf(AmqpCommand.class, decoder.readInbound());
        assertEquals(frames, encode(again), "re-encoded and decoded again");
        decoder.finishAndReleaseAll();
        return frames;
    }

    private static String encode(AmqpCommand command) {
        EmbeddedChannel encoder = new EmbeddedChannel(new AmqpFrameEncoder());
        encoder.writeOutbound(command);
        StringBuilder frames = new StringBuilder();
        for (ByteBuf part; (part = encoder.readOutbound()) != null; ) {
            frames.append(ByteBufUtil.hexDump(part));
            part.release();
        }
        encoder.finishAndReleaseAll();
        return frames.toString();
    }
}
