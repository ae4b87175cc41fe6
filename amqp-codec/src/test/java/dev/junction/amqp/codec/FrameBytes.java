package dev.junction.amqp.codec;

import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.amqp.codec.method.AmqpMethods;
import dev.junction.amqp.codec.method.BasicProperties;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Builds raw frame bytes for decoder tests. */
final class FrameBytes {

    static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private final ByteBuf out = Unpooled.buffer();

    static FrameBytes start() {
        return new FrameBytes().raw(PROTOCOL_HEADER);
    }

    static FrameBytes none() {
        return new FrameBytes();
    }

    FrameBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    FrameBytes frame(int type, int channel, byte[] payload) {
        return frame(type, channel, payload, AmqpConstants.FRAME_END);
    }

    FrameBytes frame(int type, int channel, byte[] payload, int frameEnd) {
        out.writeByte(type).writeShort(channel).writeInt(payload.length).writeBytes(payload).writeByte(frameEnd);
        return this;
    }

    FrameBytes method(int channel, AmqpMethod method) {
        ByteBuf payload = Unpooled.buffer();
        AmqpMethods.encode(method, payload);
        return frame(AmqpConstants.FRAME_METHOD, channel, ByteBufUtil.getBytes(payload));
    }

    FrameBytes header(int channel, int classId, long bodySize, BasicProperties properties) {
        ByteBuf payload = Unpooled.buffer().writeShort(classId).writeShort(0).writeLong(bodySize);
        properties.writeTo(payload);
        return frame(AmqpConstants.FRAME_HEADER, channel, ByteBufUtil.getBytes(payload));
    }

    FrameBytes body(int channel, byte[] bytes) {
        return frame(AmqpConstants.FRAME_BODY, channel, bytes);
    }

    FrameBytes heartbeat() {
        return frame(AmqpConstants.FRAME_HEARTBEAT, 0, new byte[0]);
    }

    byte[] bytes() {
        return ByteBufUtil.getBytes(out);
    }
}
