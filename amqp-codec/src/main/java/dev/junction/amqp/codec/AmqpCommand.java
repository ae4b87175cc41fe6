package dev.junction.amqp.codec;

import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.amqp.codec.method.BasicProperties;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * One AMQP command on a channel: a method and, for content-carrying methods, its properties and body. The command
 * owns one reference to {@code body}; releasing the command releases the body.
 *
 * @param properties the content properties, null for a method without content
 * @param body the content body, empty for a method without content
 */
public record AmqpCommand(int channel, AmqpMethod method, BasicProperties properties, ByteBuf body)
        implements ReferenceCounted {

    public AmqpCommand {
        if (channel < 0 || channel > 0xFFFF) {
            throw new IllegalArgumentException("channel out of range: " + channel);
        }
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(body, "body");
        if (method.hasContent() ? properties == null : properties != null || body.isReadable()) {
            throw new IllegalArgumentException(method.protocolMethodName()
                    + (method.hasContent() ? " needs content properties" : " carries no content"));
        }
    }

    /** A command of a method without content. */
    public static AmqpCommand of(int channel, AmqpMethod method) {
        return new AmqpCommand(channel, method, null, Unpooled.EMPTY_BUFFER);
    }

    @Override
    public int refCnt() {
        return body.refCnt();
    }

    @Override
    public AmqpCommand retain() {
        body.retain();
        return this;
    }

    @Override
    public AmqpCommand retain(int increment) {
        body.retain(increment);
        return this;
    }

    @Override
    public AmqpCommand touch() {
        body.touch();
        return this;
    }

    @Override
    public AmqpCommand touch(Object hint) {
        body.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return body.release();
    }

    @Override
    public boolean release(int decrement) {
        return body.release(decrement);
    }
}
