package dev.junction.amqp.codec;

import dev.junction.amqp.codec.method.AmqpMethods;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes {@link AmqpCommand}s and {@link AmqpHeartbeat}s into frames. A content body is split into body frames of
 * at most {@link #frameMax()} bytes as retained slices of the command's body, never copied; the small buffers in
 * between carry the previous frame's end octet and the next frame's header.
 */
public final class AmqpFrameEncoder extends MessageToMessageEncoder<Object> {

    private static final ByteBuf FRAME_END = constant(AmqpConstants.FRAME_END);
    private static final ByteBuf HEARTBEAT_FRAME = constant(AmqpConstants.FRAME_HEARTBEAT, 0, 0, 0, 0, 0, 0,
            AmqpConstants.FRAME_END);

    private long frameMax = AmqpConstants.FRAME_MIN_SIZE;

    public long frameMax() {
        return frameMax;
    }

    /** The negotiated frame-max; at least frame-min-size, at most 2^32-1. */
    public void setFrameMax(long frameMax) {
        this.frameMax = FrameMax.checked(frameMax);
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof AmqpCommand || msg instanceof AmqpHeartbeat;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (msg instanceof AmqpHeartbeat) {
            out.add(HEARTBEAT_FRAME.duplicate());
            return;
        }
        AmqpCommand command = (AmqpCommand) msg;
        ByteBuf frames = ctx.alloc().ioBuffer();
        try {
            writeMethodFrame(frames, command);
            if (command.method().hasContent()) {
                writeHeaderFrame(frames, command);
                writeBodyFrames(ctx, frames, command, out);
            } else {
                out.add(frames);
            }
        } catch (RuntimeException e) {
            frames.release();
            throw e;
        }
    }

    private void writeMethodFrame(ByteBuf out, AmqpCommand command) {
        int sizeIndex = startFrame(out, AmqpConstants.FRAME_METHOD, command.channel());
        AmqpMethods.encode(command.method(), out);
        endFrame(out, sizeIndex, "", command.method().protocolMethodName());
    }

    private void writeHeaderFrame(ByteBuf out, AmqpCommand command) {
        int sizeIndex = startFrame(out, AmqpConstants.FRAME_HEADER, command.channel());
        out.writeShort(command.method().protocolClassId());
        out.writeShort(0);
        out.writeLong(command.body().readableBytes());
        command.properties().writeTo(out);
        endFrame(out, sizeIndex, "content header of ", command.method().protocolMethodName());
    }

    /**
     * Adds {@code frames} (ending with the first body frame's header), then alternately body slices and buffers
     * holding the previous frame's end and the next frame's header, then the shared frame-end octet.
     */
    private void writeBodyFrames(ChannelHandlerContext ctx, ByteBuf frames, AmqpCommand command, List<Object> out) {
        ByteBuf body = command.body();
        int length = body.readableBytes();
        if (length == 0) {
            out.add(frames);
            return;
        }
        int maxChunk = (int) Math.min(Integer.MAX_VALUE, frameMax - AmqpFrameDecoder.FRAME_OVERHEAD);
        ByteBuf headers = frames;
        for (int offset = 0; offset < length; offset += maxChunk) {
            int chunk = Math.min(maxChunk, length - offset);
            if (offset > 0) {
                headers = ctx.alloc().ioBuffer(AmqpFrameDecoder.FRAME_OVERHEAD).writeByte(AmqpConstants.FRAME_END);
            }
            headers.writeByte(AmqpConstants.FRAME_BODY).writeShort(command.channel()).writeInt(chunk);
            out.add(headers);
            out.add(body.retainedSlice(body.readerIndex() + offset, chunk));
        }
        out.add(FRAME_END.duplicate());
    }

    private static int startFrame(ByteBuf out, int type, int channel) {
        out.writeByte(type).writeShort(channel);
        int sizeIndex = out.writerIndex();
        out.writeInt(0);
        return sizeIndex;
    }

    /** The frame's name comes in two parts, joined only for the error, so that a frame that fits builds no string. */
    private void endFrame(ByteBuf out, int sizeIndex, String framePart, String methodName) {
        int size = out.writerIndex() - sizeIndex - 4;
        if (size > frameMax - AmqpFrameDecoder.FRAME_OVERHEAD) {
            throw new IllegalArgumentException(framePart + methodName + " needs a frame of " + (size + AmqpFrameDecoder.FRAME_OVERHEAD)
                    + " bytes, more than frame-max " + frameMax);
        }
        out.setInt(sizeIndex, size);
        out.writeByte(AmqpConstants.FRAME_END);
    }

    private static ByteBuf constant(int... bytes) {
        ByteBuf buf = Unpooled.directBuffer(bytes.length, bytes.length);
        for (int b : bytes) {
            buf.writeByte(b);
        }
        return Unpooled.unreleasableBuffer(buf.asReadOnly());
    }
}
