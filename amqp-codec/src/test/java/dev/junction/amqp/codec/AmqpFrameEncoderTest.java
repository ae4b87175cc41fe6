package dev.junction.amqp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.amqp.codec.method.Basic;
import dev.junction.amqp.codec.method.BasicProperties;
import dev.junction.amqp.codec.method.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpFrameEncoderTest {

    private static final Basic.Deliver DELIVER = new Basic.Deliver("ctag", 42, true, "ex", "rk");
    private static final BasicProperties PROPERTIES = new BasicProperties("application/json", null, null, 1, 5,
            null, null, null, null, null, null, null, null, null);

    @Test
    void aMethodWithoutContentIsOneFrame() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameEncoder());
        channel.writeOutbound(AmqpCommand.of(1, new Basic.Ack(7, true)));
        assertArrayEquals(FrameBytes.none().method(1, new Basic.Ack(7, true)).bytes(), drain(channel));
        assertFalse(channel.finish());
    }

    @Test
    void aBodyIsSplitIntoFramesOfAtMostFrameMaxWithoutCopying() {
        byte[] content = new byte[10_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        ByteBuf body = Unpooled.directBuffer(content.length).writeBytes(content);
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameEncoder());
        channel.writeOutbound(new AmqpCommand(3, DELIVER, PROPERTIES, body));

        List<ByteBuf> written = new ArrayList<>();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            written.add(buf);
        }
        // method + header + first body header | body | end + header | body | end + header | body | end
        assertEquals(7, written.size());
        body.setByte(0, 0x55);
        assertEquals(0x55, written.get(1).getByte(0), "the body frame is a view of the command's body");
        assertEquals(3, body.refCnt(), "the encoder released the command; each body frame slice holds the body");

        byte[] expected = FrameBytes.none().method(3, DELIVER).header(3, 60, content.length, PROPERTIES)
                .body(3, java.util.Arrays.copyOfRange(content, 0, 4088))
                .body(3, java.util.Arrays.copyOfRange(content, 4088, 8176))
                .body(3, java.util.Arrays.copyOfRange(content, 8176, 10_000)).bytes();
        expected[expected.length - 10_000 - 8 * 2 - 1] = 0x55;
        ByteBuf all = Unpooled.wrappedBuffer(written.toArray(ByteBuf[]::new));
        byte[] actual = ByteBufUtil.getBytes(all);
        all.release();
        assertEquals(0, body.refCnt());
        assertArrayEquals(expected, actual);
        assertFalse(channel.finish());
    }

    @Test
    void aLargerFrameMaxMakesFewerBodyFrames() {
        AmqpFrameEncoder encoder = new AmqpFrameEncoder();
        encoder.setFrameMax(131_072);
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        byte[] content = new byte[10_000];
        channel.writeOutbound(new AmqpCommand(1, DELIVER, PROPERTIES, Unpooled.wrappedBuffer(content)));
        assertArrayEquals(FrameBytes.none().method(1, DELIVER).header(1, 60, content.length, PROPERTIES)
                .body(1, content).bytes(), drain(channel));
        assertThrows(IllegalArgumentException.class, () -> encoder.setFrameMax(100));
        assertFalse(channel.finish());
    }

    @Test
    void anEmptyBodyHasNoBodyFrames() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameEncoder());
        channel.writeOutbound(new AmqpCommand(1, DELIVER, BasicProperties.EMPTY, Unpooled.EMPTY_BUFFER));
        assertArrayEquals(FrameBytes.none().method(1, DELIVER).header(1, 60, 0, BasicProperties.EMPTY).bytes(),
                drain(channel));
        assertFalse(channel.finish());
    }

    @Test
    void heartbeatsAreEightBytesOnChannelZero() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameEncoder());
        channel.writeOutbound(AmqpHeartbeat.INSTANCE, AmqpHeartbeat.INSTANCE);
        assertArrayEquals(FrameBytes.none().heartbeat().heartbeat().bytes(), drain(channel));
        assertFalse(channel.finish());
    }

    @Test
    void aMethodTooLargeForFrameMaxIsRefusedWithoutLeaking() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameEncoder());
        Map<String, Object> huge = Map.of("k", "v".repeat(5000));
        EncoderException e = assertThrows(EncoderException.class, () -> channel.writeOutbound(
                AmqpCommand.of(0, new Connection.Start(0, 9, huge, dev.junction.amqp.codec.types.LongString.EMPTY,
                        dev.junction.amqp.codec.types.LongString.EMPTY))));
        assertEquals(IllegalArgumentException.class, e.getCause().getClass());
        assertTrue(e.getCause().getMessage().startsWith("connection.start needs a frame of "), e.getMessage());
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }

    @Test
    void aContentHeaderTooLargeForFrameMaxIsNamedInTheError() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameEncoder());
        BasicProperties hugeHeaders = new BasicProperties(null, null, Map.of("k", "v".repeat(5000)), null, null,
                null, null, null, null, null, null, null, null, null);
        EncoderException e = assertThrows(EncoderException.class, () -> channel.writeOutbound(
                new AmqpCommand(1, DELIVER, hugeHeaders, Unpooled.EMPTY_BUFFER)));
        assertTrue(e.getCause().getMessage().startsWith("content header of basic.deliver needs a frame of "),
                e.getMessage());
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }

    @Test
    void commandsRejectInconsistentContent() {
        assertThrows(IllegalArgumentException.class, () -> AmqpCommand.of(1, DELIVER));
        assertThrows(IllegalArgumentException.class, () -> new AmqpCommand(1, new Basic.Ack(1, false),
                BasicProperties.EMPTY, Unpooled.EMPTY_BUFFER));
        assertThrows(IllegalArgumentException.class, () -> AmqpCommand.of(65_536, new Basic.Ack(1, false)));
    }

    @Test
    void whatTheEncoderWritesTheDecoderReadsBack() {
        EmbeddedChannel encoder = new EmbeddedChannel(new AmqpFrameEncoder());
        byte[] content = new byte[9000];
        java.util.Arrays.fill(content, (byte) 7);
        encoder.writeOutbound(AmqpCommand.of(0, new Connection.Tune(2047, 131_072, 60)),
                new AmqpCommand(2, DELIVER, PROPERTIES, Unpooled.wrappedBuffer(content)), AmqpHeartbeat.INSTANCE);
        byte[] stream = FrameBytes.start().raw(drain(encoder)).bytes();

        List<AmqpFrameDecoderTest.Received> received = AmqpFrameDecoderTest.decode(List.of(stream));
        assertEquals(List.of(
                new AmqpFrameDecoderTest.Received(0, new Connection.Tune(2047, 131_072, 60), null, ""),
                new AmqpFrameDecoderTest.Received(2, DELIVER, PROPERTIES, ByteBufUtil.hexDump(content)),
                new AmqpFrameDecoderTest.Received(0, AmqpHeartbeat.INSTANCE, null, "")), received);
        assertFalse(encoder.finish());
    }

    static byte[] drain(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            all.writeBytes(buf);
            buf.release();
        }
        return ByteBufUtil.getBytes(all);
    }
}
