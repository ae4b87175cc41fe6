package dev.junction.amqp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes the server side of an AMQP 0-9-1 connection: the protocol header, then frames (spec 4.2.3), emitting
 * {@link AmqpCommand} (method, and for content methods the header and body frames assembled), {@link AmqpHeartbeat},
 * {@link ProtocolHeaderMismatch} or {@link AmqpDecodeError}. After a mismatch or an error it discards all input.
 *
 * <p>Frames may be at most {@link #frameMax()} bytes including header and frame-end; until tune-ok that is the
 * spec's frame-min-size 4096, afterwards whatever the server set with {@link #setFrameMax(long)}.
 */
public final class AmqpFrameDecoder extends ByteToMessageDecoder {

    /** Type octet, channel short, size long. */
    private static final int FRAME_HEADER_SIZE = 7;
    /** Frame header plus frame-end octet. */
    static final int FRAME_OVERHEAD = FRAME_HEADER_SIZE + 1;

    private enum State { PROTOCOL_HEADER, FRAMES, DISCARDING }

    private final ContentAssembler assembler = new ContentAssembler();
    private State state = State.PROTOCOL_HEADER;
    private long frameMax = AmqpConstants.FRAME_MIN_SIZE;

    public long frameMax() {
        return frameMax;
    }

    /** The negotiated frame-max from connection.tune-ok; at least frame-min-size, at most 2^32-1. */
    public void setFrameMax(long frameMax) {
        this.frameMax = FrameMax.checked(frameMax);
    }

    /**
     * The largest message body accepted; a content header declaring more yields {@link OversizedContent} and its
     * body frames are dropped as they arrive. Unlimited by default.
     */
    public void setMaxBodySize(long maxBodySize) {
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("max body size " + maxBodySize + " is negative");
        }
        assembler.setMaxBodySize(maxBodySize);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case PROTOCOL_HEADER -> decodeProtocolHeader(in, out);
            case FRAMES -> decodeFrame(ctx, in, out);
            case DISCARDING -> in.skipBytes(in.readableBytes());
        }
    }

    private void decodeProtocolHeader(ByteBuf in, List<Object> out) {
        int available = Math.min(in.readableBytes(), AmqpProtocolHeader.LENGTH);
        for (int i = 0; i < available; i++) {
            if (in.getByte(in.readerIndex() + i) != AmqpProtocolHeader.byteAt(i)) {
                // Answer at the first wrong byte: a short wrong greeting must not leave the client waiting.
                out.add(new ProtocolHeaderMismatch(printable(in, available)));
                discard(in);
                return;
            }
        }
        if (available == AmqpProtocolHeader.LENGTH) {
            in.skipBytes(AmqpProtocolHeader.LENGTH);
            state = State.FRAMES;
        }
    }

    private void decodeFrame(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < FRAME_HEADER_SIZE) {
            return;
        }
        int start = in.readerIndex();
        int type = in.getUnsignedByte(start);
        int channel = in.getUnsignedShort(start + 1);
        long size = in.getUnsignedInt(start + 3);
        if (type != AmqpConstants.FRAME_METHOD && type != AmqpConstants.FRAME_HEADER
                && type != AmqpConstants.FRAME_BODY && type != AmqpConstants.FRAME_HEARTBEAT) {
            fail(in, out, new AmqpCodecException(AmqpConstants.FRAME_ERROR, "unknown frame type " + type));
            return;
        }
        if (size > frameMax - FRAME_OVERHEAD) {
            fail(in, out, AmqpDecodeError.frameTooLarge("frame of " + (size + FRAME_OVERHEAD)
                    + " bytes exceeds frame-max " + frameMax));
            return;
        }
        if (in.readableBytes() < size + FRAME_OVERHEAD) {
            return;
        }
        int payloadSize = (int) size;
        int frameEnd = in.getUnsignedByte(start + FRAME_HEADER_SIZE + payloadSize);
        if (frameEnd != AmqpConstants.FRAME_END) {
            fail(in, out, new AmqpCodecException(AmqpConstants.FRAME_ERROR,
                    "frame-end octet is 0x" + Integer.toHexString(frameEnd) + " instead of 0xce"));
            return;
        }
        ByteBuf payload = in.slice(start + FRAME_HEADER_SIZE, payloadSize);
        in.skipBytes(payloadSize + FRAME_OVERHEAD);
        try {
            assembler.onFrame(type, channel, payload, ctx.alloc(), out);
        } catch (AmqpCodecException e) {
            fail(in, out, e);
        }
    }

    private void fail(ByteBuf in, List<Object> out, AmqpCodecException error) {
        fail(in, out, AmqpDecodeError.of(error));
    }

    private void fail(ByteBuf in, List<Object> out, AmqpDecodeError error) {
        assembler.releaseAll();
        out.add(error);
        discard(in);
    }

    private void discard(ByteBuf in) {
        state = State.DISCARDING;
        in.skipBytes(in.readableBytes());
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        assembler.releaseAll();
    }

    private static String printable(ByteBuf in, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int b = in.getUnsignedByte(in.readerIndex() + i);
            if (b >= 0x20 && b < 0x7F) {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02X", b));
            }
        }
        return text.toString();
    }
}
