package dev.junction.amqp.codec.types;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** An AMQP long string: up to 2^32-1 arbitrary bytes, often but not necessarily UTF-8 text. Immutable. */
public final class LongString {

    public static final LongString EMPTY = new LongString(new byte[0]);

    private final byte[] bytes;

    private LongString(byte[] bytes) {
        this.bytes = bytes;
    }

    public static LongString copyOf(byte[] bytes) {
        return new LongString(bytes.clone());
    }

    public static LongString of(String text) {
        return new LongString(text.getBytes(StandardCharsets.UTF_8));
    }

    static LongString readFrom(ByteBuf in, int length) {
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return new LongString(bytes);
    }

    void writeTo(ByteBuf out) {
        out.writeInt(bytes.length);
        out.writeBytes(bytes);
    }

    public int length() {
        return bytes.length;
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** The bytes decoded as UTF-8 (malformed sequences become U+FFFD). */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LongString that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
