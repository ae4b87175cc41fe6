package dev.junction.amqp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.amqp.codec.method.Basic;
import dev.junction.amqp.codec.method.BasicProperties;
import dev.junction.amqp.codec.method.Channel;
import dev.junction.amqp.codec.method.Connection;
import dev.junction.amqp.codec.types.LongString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpFrameDecoderTest {

    private static final Basic.Publish PUBLISH = new Basic.Publish(0, "amq.topic", "a.b", true, false);
    private static final BasicProperties PROPERTIES = new BasicProperties("text/plain", null,
            Map.of("h", LongString.of("v")), 2, null, "corr", null, null, "id-1", Instant.ofEpochSecond(1234),
            null, null, "app", null);

    /** A received message with the body as hex, so outputs compare by value after their buffers are released. */
    record Received(int channel, Object message, BasicProperties properties, String body) {
    }

    @Test
    void decodesAMixedStreamIdenticallyUnderEverySplit() {
        byte[] stream = FrameBytes.start()
                .method(0, new Connection.StartOk(Map.of("product", LongString.of("test")), "PLAIN",
                        LongString.of("\0guest\0guest"), "en_US"))
                .heartbeat()
                .method(1, new Channel.Open(""))
                .method(1, PUBLISH).header(1, 60, 5, PROPERTIES).body(1, bytes("he")).body(1, bytes("llo"))
                .method(2, PUBLISH).header(2, 60, 0, BasicProperties.EMPTY)
                .method(1, new Basic.Ack(7, true))
                .bytes();
        List<Received> expected = decode(List.of(stream));
        assertEquals(List.of(
                new Received(0, new Connection.StartOk(Map.of("product", LongString.of("test")), "PLAIN",
                        LongString.of("\0guest\0guest"), "en_US"), null, ""),
                new Received(0, AmqpHeartbeat.INSTANCE, null, ""),
                new Received(1, new Channel.Open(""), null, ""),
                new Received(1, PUBLISH, PROPERTIES, hex("hello")),
                new Received(2, PUBLISH, BasicProperties.EMPTY, ""),
                new Received(1, new Basic.Ack(7, true), null, "")), expected);

        for (int split = 1; split < stream.length; split++) {
            assertEquals(expected, decode(List.of(slice(stream, 0, split), slice(stream, split, stream.length))),
                    "split at " + split);
        }
        List<byte[]> oneByteAtATime = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            oneByteAtATime.add(slice(stream, i, i + 1));
        }
        assertEquals(expected, decode(oneByteAtATime));
    }

    @Test
    void bodyFramesOfManyChannelsInterleaveAndStayZeroCopy() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameDecoder());
        FrameBytes frames = FrameBytes.start()
                .method(1, PUBLISH).header(1, 60, 30, PROPERTIES)
                .method(2, PUBLISH).header(2, 60, 4, BasicProperties.EMPTY);
        for (int i = 0; i < 10; i++) {
            frames.body(1, bytes("ab" + i));
        }
        frames.body(2, bytes("only"));
        channel.writeInbound(Unpooled.wrappedBuffer(frames.bytes()));

        AmqpCommand many = channel.readInbound();
        AmqpCommand single = channel.readInbound();
        try {
            assertEquals(1, many.channel());
            CompositeByteBuf body = assertInstanceOf(CompositeByteBuf.class, many.body());
            assertEquals(10, body.numComponents(), "each body frame is one component: no copy, no consolidation");
            assertEquals("ab0ab1ab2ab3ab4ab5ab6ab7ab8ab9", body.toString(StandardCharsets.US_ASCII));
            assertEquals(2, single.channel());
            assertFalse(single.body() instanceof CompositeByteBuf, "a single body frame is passed on as its slice");
            assertEquals("only", single.body().toString(StandardCharsets.US_ASCII));
        } finally {
            assertTrue(many.release());
            assertTrue(single.release());
        }
        assertFalse(channel.finish());
    }

    @Test
    void aBodyOverTheLimitIsReportedAtItsHeaderAndItsFramesDroppedUnbuffered() {
        AmqpFrameDecoder decoder = new AmqpFrameDecoder();
        decoder.setMaxBodySize(8);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(Unpooled.wrappedBuffer(FrameBytes.start()
                .method(1, PUBLISH).header(1, 60, 12, PROPERTIES).bytes()));
        assertEquals(new OversizedContent(1, PUBLISH, 12), channel.readInbound(),
                "refused as soon as the header declares the size, before any body frame");
        ByteBuf bodyFrames = Unpooled.wrappedBuffer(FrameBytes.none()
                .body(1, bytes("twelve")).body(1, bytes(" bytes")).bytes());
        channel.writeInbound(bodyFrames);
        assertEquals(0, bodyFrames.refCnt(), "no slice of the dropped body is kept");
        assertNull(channel.readInbound());
        // The channel's content is over: what follows decodes as usual, a body at the limit included.
        channel.writeInbound(Unpooled.wrappedBuffer(FrameBytes.none()
                .method(1, PUBLISH).header(1, 60, 8, PROPERTIES).body(1, bytes("at limit")).bytes()));
        AmqpCommand atLimit = channel.readInbound();
        try {
            assertEquals("at limit", atLimit.body().toString(StandardCharsets.US_ASCII));
        } finally {
            atLimit.release();
        }
        assertFalse(channel.finish());
    }

    @Test
    void emptyBodyFramesAreAllowedAndAZeroBodyCompletesAtTheHeader() {
        List<Received> received = decode(List.of(FrameBytes.start()
                .method(1, PUBLISH).header(1, 60, 2, BasicProperties.EMPTY)
                .body(1, new byte[0]).body(1, bytes("ok")).body(1, new byte[0]).bytes()));
        // The trailing empty body frame arrives after the content is complete: an unexpected frame.
        assertEquals(new Received(1, PUBLISH, BasicProperties.EMPTY, hex("ok")), received.get(0));
        assertEquals(AmqpConstants.UNEXPECTED_FRAME, ((AmqpDecodeError) received.get(1).message()).replyCode());
    }

    @Test
    void framesUpToFrameMaxAreAcceptedAndLargerOnesAreFrameErrors() {
        byte[] fits = FrameBytes.start().method(1, PUBLISH).header(1, 60, 4088, BasicProperties.EMPTY)
                .body(1, new byte[4096 - 8]).bytes();
        assertEquals(1, decode(List.of(fits)).size());

        byte[] tooBig = FrameBytes.start().method(1, PUBLISH).header(1, 60, 4089, BasicProperties.EMPTY)
                .body(1, new byte[4096 - 7]).bytes();
        AmqpDecodeError tooBigError = decodeError(tooBig);
        assertEquals(AmqpConstants.FRAME_ERROR, tooBigError.replyCode());
        assertTrue(tooBigError.frameTooLarge(), "an oversized frame is typed as such, not only named in the text");
        assertFalse(decodeError(FrameBytes.start().frame(8, 1, new byte[0]).bytes()).frameTooLarge(),
                "other frame errors are not oversized frames");

        EmbeddedChannel tuned = new EmbeddedChannel();
        AmqpFrameDecoder decoder = new AmqpFrameDecoder();
        decoder.setFrameMax(131_072);
        tuned.pipeline().addLast(decoder);
        tuned.writeInbound(Unpooled.wrappedBuffer(tooBig));
        AmqpCommand command = tuned.readInbound();
        assertEquals(4089, command.body().readableBytes());
        command.release();
        assertThrows(IllegalArgumentException.class, () -> decoder.setFrameMax(4095));
    }

    @Test
    void anOversizeFrameIsRefusedFromItsHeaderAlone() {
        byte[] header = FrameBytes.start().raw(new byte[] {3, 0, 1, 0x7F, 0, 0, 0}).bytes();
        assertError(AmqpConstants.FRAME_ERROR, header);
    }

    @Test
    void malformedFramesGetTheSpecsReplyCodes() {
        assertError(AmqpConstants.FRAME_ERROR, FrameBytes.start().frame(1, 1, new byte[] {0, 20, 0, 10, 0}, 0xCD)
                .bytes());
        assertError(AmqpConstants.FRAME_ERROR, FrameBytes.start().frame(4, 0, new byte[0]).bytes());
        assertError(AmqpConstants.FRAME_ERROR, FrameBytes.start().frame(1, 1, new byte[] {0, 20, 0, 10}).bytes());
        assertError(AmqpConstants.FRAME_ERROR, FrameBytes.start().frame(1, 1, new byte[] {0, 20}).bytes());
        assertError(AmqpConstants.FRAME_ERROR, FrameBytes.start().frame(8, 1, new byte[0]).bytes());
        assertError(AmqpConstants.FRAME_ERROR, FrameBytes.start().frame(8, 0, new byte[] {0}).bytes());
        assertError(AmqpConstants.COMMAND_INVALID, FrameBytes.start().frame(1, 1, new byte[] {0, 60, 0, 99}).bytes());
        assertError(AmqpConstants.COMMAND_INVALID, FrameBytes.start().frame(1, 1, new byte[] {0, 77, 0, 10}).bytes());
        assertError(AmqpConstants.FRAME_ERROR, FrameBytes.start().method(1, PUBLISH)
                .frame(2, 1, new byte[] {0, 60, 0, 0, 0, 0}).bytes());
        assertError(AmqpConstants.SYNTAX_ERROR, FrameBytes.start().method(1, PUBLISH)
                .frame(2, 1, new byte[] {0, 60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).bytes());
        assertError(AmqpConstants.SYNTAX_ERROR, FrameBytes.start().method(1, PUBLISH)
                .frame(2, 1, new byte[] {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}).bytes());
        assertError(AmqpConstants.SYNTAX_ERROR, tableWithUnknownType());
    }

    @Test
    void contentFramesOutOfOrderAreUnexpected() {
        assertError(AmqpConstants.UNEXPECTED_FRAME, FrameBytes.start().header(1, 60, 1, BasicProperties.EMPTY)
                .bytes());
        assertError(AmqpConstants.UNEXPECTED_FRAME, FrameBytes.start().body(1, bytes("x")).bytes());
        assertError(AmqpConstants.UNEXPECTED_FRAME, FrameBytes.start().method(1, PUBLISH).body(1, bytes("x"))
                .bytes());
        assertError(AmqpConstants.UNEXPECTED_FRAME, FrameBytes.start().method(1, PUBLISH)
                .method(1, new Basic.Ack(1, false)).bytes());
        assertError(AmqpConstants.UNEXPECTED_FRAME, FrameBytes.start().method(1, PUBLISH)
                .header(1, 60, 1, BasicProperties.EMPTY).header(1, 60, 1, BasicProperties.EMPTY).bytes());
        assertError(AmqpConstants.UNEXPECTED_FRAME, FrameBytes.start().method(1, PUBLISH)
                .header(1, 60, 3, BasicProperties.EMPTY).body(1, bytes("ab")).body(1, bytes("cd")).bytes());
        assertError(AmqpConstants.UNEXPECTED_FRAME, FrameBytes.start().method(1, PUBLISH)
                .header(1, 50, 3, BasicProperties.EMPTY).bytes());
        assertError(AmqpConstants.UNEXPECTED_FRAME, FrameBytes.start().method(1, PUBLISH).header(1, 60, 3,
                BasicProperties.EMPTY).body(1, bytes("ab")).method(1, PUBLISH).bytes());
    }

    @Test
    void errorsNameTheOffendingMethod() {
        AmqpDecodeError error = decodeError(FrameBytes.start().method(1, PUBLISH).body(1, bytes("x")).bytes());
        assertEquals(60, error.classId());
        assertEquals(40, error.methodId());
        Connection.Close close = error.toConnectionClose();
        assertEquals(AmqpConstants.UNEXPECTED_FRAME, close.replyCode());
        assertEquals(60, close.classId());
        assertEquals(40, close.methodId());
        assertTrue(close.replyText().contains("content body frame"), close.replyText());
    }

    @Test
    void afterAnErrorInputIsDiscardedAndPartialBodiesReleased() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameDecoder());
        ByteBuf first = Unpooled.wrappedBuffer(FrameBytes.start().method(1, PUBLISH)
                .header(1, 60, 10, BasicProperties.EMPTY).body(1, bytes("part")).bytes());
        channel.writeInbound(first);
        assertNull(channel.readInbound());
        assertEquals(1, first.refCnt(), "only the partial body's slice still holds the consumed input");

        channel.writeInbound(Unpooled.wrappedBuffer(FrameBytes.none().frame(9, 0, new byte[0]).bytes()));
        assertEquals(AmqpConstants.FRAME_ERROR, ((AmqpDecodeError) channel.readInbound()).replyCode());
        assertEquals(0, first.refCnt(), "the partial body was released");

        ByteBuf later = Unpooled.wrappedBuffer(FrameBytes.none().method(1, new Basic.Ack(1, false)).heartbeat()
                .bytes());
        channel.writeInbound(later);
        assertNull(channel.readInbound());
        assertEquals(0, later.refCnt());
        assertFalse(channel.finish());
    }

    @Test
    void closingTheChannelReleasesIncompleteBodies() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameDecoder());
        ByteBuf input = Unpooled.wrappedBuffer(FrameBytes.start().method(3, PUBLISH)
                .header(3, 60, 10, BasicProperties.EMPTY).body(3, bytes("part")).bytes());
        channel.writeInbound(input);
        assertEquals(1, input.refCnt(), "only the partial body's slice still holds the consumed input");
        assertFalse(channel.finish());
        assertEquals(0, input.refCnt());
    }

    @Test
    void aWrongProtocolHeaderIsReportedAsSoonAsABytesDiffers() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'A', 'M'}));
        assertNull(channel.readInbound());
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'Q', 'P', 0, 0, 9, 0, 1, 0, 0}));
        ProtocolHeaderMismatch mismatch = channel.readInbound();
        assertEquals("AMQP\\x00\\x00\\x09\\x00", mismatch.received());
        channel.writeInbound(Unpooled.wrappedBuffer(FrameBytes.start().heartbeat().bytes()));
        assertNull(channel.readInbound(), "everything after a wrong header is discarded");

        EmbeddedChannel http = new EmbeddedChannel(new AmqpFrameDecoder());
        http.writeInbound(Unpooled.wrappedBuffer(bytes("GET")));
        assertEquals("GET", ((ProtocolHeaderMismatch) http.readInbound()).received());

        EmbeddedChannel amqp08 = new EmbeddedChannel(new AmqpFrameDecoder());
        amqp08.writeInbound(Unpooled.wrappedBuffer(new byte[] {'A', 'M', 'Q', 'P', 1, 1, 8, 0}));
        assertInstanceOf(ProtocolHeaderMismatch.class, amqp08.readInbound());
    }

    @Test
    void serverProtocolHeaderIsTheSpecsBytes() {
        ByteBuf header = AmqpProtocolHeader.newBuffer();
        assertArrayEquals(FrameBytes.PROTOCOL_HEADER, ByteBufUtil.getBytes(header));
        header.release();
        assertSame(AmqpHeartbeat.INSTANCE, decode(List.of(FrameBytes.start().heartbeat().bytes())).get(0).message());
    }

    private static byte[] tableWithUnknownType() {
        // queue.bind whose arguments table holds the 0-9-1 'U' type that RabbitMQ does not use.
        ByteBuf payload = Unpooled.buffer().writeShort(50).writeShort(20).writeShort(0);
        payload.writeByte(1).writeByte('q').writeByte(1).writeByte('x').writeByte(1).writeByte('k').writeByte(0);
        payload.writeInt(5).writeByte(1).writeByte('a').writeByte('U').writeShort(1);
        return FrameBytes.start().frame(1, 1, ByteBufUtil.getBytes(payload)).bytes();
    }

    private static void assertError(int replyCode, byte[] stream) {
        assertEquals(replyCode, decodeError(stream).replyCode());
    }

    private static AmqpDecodeError decodeError(byte[] stream) {
        List<Received> received = decode(List.of(stream));
        Received last = received.get(received.size() - 1);
        return assertInstanceOf(AmqpDecodeError.class, last.message(), received.toString());
    }

    /** Feeds the chunks in order and returns every decoded message, releasing buffers as it goes. */
    static List<Received> decode(List<byte[]> chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpFrameDecoder());
        List<Received> received = new ArrayList<>();
        for (byte[] chunk : chunks) {
            channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
                received.add(toReceived(message));
            }
        }
        assertFalse(channel.finish());
        return received;
    }

    private static Received toReceived(Object message) {
        if (message instanceof AmqpCommand command) {
            Received received = new Received(command.channel(), command.method(), command.properties(),
                    ByteBufUtil.hexDump(command.body()));
            command.release();
            return received;
        }
        return new Received(0, message, null, "");
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    private static String hex(String ascii) {
        return HexFormat.of().formatHex(bytes(ascii));
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }
}
