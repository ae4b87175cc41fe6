package dev.junction.amqp.codec;

import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.amqp.codec.method.AmqpMethods;
import dev.junction.amqp.codec.method.BasicProperties;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.List;

/**
 * Turns the frames of one connection into {@link AmqpCommand}s, keeping per channel only a content-carrying
 * method whose header and body frames have not all arrived yet (spec 4.2.6: a method, one header, body frames).
 * Body frames are kept as retained slices of the input, never copied.
 */
final class ContentAssembler {

    private static final class PendingContent {
        final AmqpMethod method;
        BasicProperties properties;
        long bodySize;
        long received;
        ByteBuf body;
        /** Over the size limit: body frames are counted, not kept. */
        boolean dropping;

        PendingContent(AmqpMethod method) {
            this.method = method;
        }

        AmqpCodecException unexpected(String what) {
            return new AmqpCodecException(AmqpConstants.UNEXPECTED_FRAME, what,
                    method.protocolClassId(), method.protocolMethodId());
        }
    }

    /** Sized for content arriving on one or two channels at once, as on most connections; it grows for more. */
    private final IntObjectMap<PendingContent> pending = new IntObjectHashMap<>(2);
    private long maxBodySize = Long.MAX_VALUE;

    void setMaxBodySize(long maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    /** Consumes one frame's payload (not retained by the caller), adding any completed message to {@code out}. */
    void onFrame(int type, int channel, ByteBuf payload, ByteBufAllocator alloc, List<Object> out) {
        switch (type) {
            case AmqpConstants.FRAME_METHOD -> onMethod(channel, payload, out);
            case AmqpConstants.FRAME_HEADER -> onHeader(channel, payload, out);
            case AmqpConstants.FRAME_BODY -> onBody(channel, payload, alloc, out);
            case AmqpConstants.FRAME_HEARTBEAT -> onHeartbeat(channel, payload, out);
            default -> throw new IllegalStateException("frame type " + type + " passed the decoder's check");
        }
    }

    private void onMethod(int channel, ByteBuf payload, List<Object> out) {
        PendingContent incomplete = pending.get(channel);
        if (incomplete != null) {
            throw incomplete.unexpected("method frame on channel " + channel + " while the content of "
                    + incomplete.method.protocolMethodName() + " is incomplete");
        }
        AmqpMethod method = AmqpMethods.decode(payload);
        if (method.hasContent()) {
            pending.put(channel, new PendingContent(method));
        } else {
            out.add(AmqpCommand.of(channel, method));
        }
    }

    private void onHeader(int channel, ByteBuf payload, List<Object> out) {
        PendingContent content = pending.get(channel);
        if (content == null) {
            throw new AmqpCodecException(AmqpConstants.UNEXPECTED_FRAME,
                    "content header frame on channel " + channel + " without a content method");
        }
        if (content.properties != null) {
            throw content.unexpected("second content header frame on channel " + channel);
        }
        int classId = content.method.protocolClassId();
        int methodId = content.method.protocolMethodId();
        try {
            int headerClassId = payload.readUnsignedShort();
            if (headerClassId != classId) {
                throw content.unexpected("content header of class " + headerClassId + " for "
                        + content.method.protocolMethodName());
            }
            if (payload.readUnsignedShort() != 0) {
                throw new AmqpCodecException(AmqpConstants.SYNTAX_ERROR, "content header weight is not zero",
                        classId, methodId);
            }
            long bodySize = payload.readLong();
            if (bodySize < 0) {
                throw new AmqpCodecException(AmqpConstants.SYNTAX_ERROR,
                        "content body size " + Long.toUnsignedString(bodySize) + " is not representable",
                        classId, methodId);
            }
            content.properties = BasicProperties.readFrom(payload);
            content.bodySize = bodySize;
        } catch (IndexOutOfBoundsException e) {
            throw new AmqpCodecException(AmqpConstants.FRAME_ERROR, "truncated content header", classId, methodId);
        } catch (AmqpCodecException e) {
            throw e.atMethod(classId, methodId);
        }
        if (payload.isReadable()) {
            throw new AmqpCodecException(AmqpConstants.FRAME_ERROR,
                    payload.readableBytes() + " bytes after the content header properties", classId, methodId);
        }
        if (content.bodySize > maxBodySize) {
            content.dropping = true;
            out.add(new OversizedContent(channel, content.method, content.bodySize));
        } else if (content.bodySize == 0) {
            complete(channel, content, out);
        }
    }

    private void onBody(int channel, ByteBuf payload, ByteBufAllocator alloc, List<Object> out) {
        PendingContent content = pending.get(channel);
        if (content == null) {
            throw new AmqpCodecException(AmqpConstants.UNEXPECTED_FRAME,
                    "content body frame on channel " + channel + " without a content method");
        }
        if (content.properties == null) {
            throw content.unexpected("content body frame on channel " + channel + " before the content header");
        }
        int size = payload.readableBytes();
        if (content.received + size > content.bodySize) {
            throw content.unexpected("content body frames exceed the declared body size " + content.bodySize);
        }
        if (content.dropping) {
            content.received += size;
            if (content.received == content.bodySize) {
                pending.remove(channel);
            }
            return;
        }
        if (size == 0) {
            return;
        }
        ByteBuf slice = payload.retainedSlice();
        if (content.body == null) {
            content.body = slice;
        } else if (content.body instanceof CompositeByteBuf composite) {
            composite.addComponent(true, slice);
        } else {
            // Unbounded components: the default bound would consolidate, i.e. copy, large bodies.
            content.body = alloc.compositeBuffer(Integer.MAX_VALUE)
                    .addComponent(true, content.body)
                    .addComponent(true, slice);
        }
        content.received += size;
        if (content.received == content.bodySize) {
            complete(channel, content, out);
        }
    }

    private static void onHeartbeat(int channel, ByteBuf payload, List<Object> out) {
        if (channel != 0) {
            throw new AmqpCodecException(AmqpConstants.FRAME_ERROR, "heartbeat frame on channel " + channel);
        }
        if (payload.isReadable()) {
            throw new AmqpCodecException(AmqpConstants.FRAME_ERROR,
                    "heartbeat frame with a payload of " + payload.readableBytes() + " bytes");
        }
        out.add(AmqpHeartbeat.INSTANCE);
    }

    private void complete(int channel, PendingContent content, List<Object> out) {
        pending.remove(channel);
        ByteBuf body = content.body == null ? Unpooled.EMPTY_BUFFER : content.body;
        out.add(new AmqpCommand(channel, content.method, content.properties, body));
    }

    /** Drops every incomplete message, releasing the body frames received so far. */
    void releaseAll() {
        for (PendingContent content : pending.values()) {
            if (content.body != null) {
                content.body.release();
            }
        }
        pending.clear();
    }
}
