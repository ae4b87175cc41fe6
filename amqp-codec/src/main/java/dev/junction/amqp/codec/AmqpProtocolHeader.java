package dev.junction.amqp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** The 8 bytes that open every AMQP 0-9-1 connection: "AMQP", 0, major 0, minor 9, revision 1. */
public final class AmqpProtocolHeader {

    static final int LENGTH = 8;

    private static final byte[] BYTES = {'A', 'M', 'Q', 'P', 0,
        (byte) AmqpConstants.VERSION_MAJOR, (byte) AmqpConstants.VERSION_MINOR, (byte) AmqpConstants.VERSION_REVISION};

    private AmqpProtocolHeader() {
    }

    /** A fresh buffer holding the header, for the server to write when the client's header does not match. */
    public static ByteBuf newBuffer() {
        return Unpooled.wrappedBuffer(BYTES.clone());
    }

    static byte byteAt(int index) {
        return BYTES[index];
    }
}
