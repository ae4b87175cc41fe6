package dev.junction.amqp.codec.types;

import dev.junction.amqp.codec.AmqpCodecException;
import dev.junction.amqp.codec.AmqpConstants;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AMQP 0-9-1 data types on the wire (big-endian), including field tables and arrays with every value type
 * RabbitMQ clients use: t b B s u I i l f d D S x A T F V.
 *
 * <p>Reads of fixed-size values past the end throw {@link IndexOutOfBoundsException}, which the frame layer reports
 * as FRAME_ERROR; length-prefixed values check their length themselves. Writes reject values outside the type's
 * range with {@link IllegalArgumentException}.
 *
 * <p>Field values decode to: Boolean, Byte, {@link UnsignedByte}, Short, {@link UnsignedShort}, Integer,
 * {@link UnsignedInt}, Long, Float, Double, BigDecimal, {@link LongString}, byte[], List, Instant, Map, null.
 * Encoding accepts the same types, plus String (as 'S', UTF-8) and Date (as 'T').
 */
public final class WireFormat {

    /** Deeper nesting of tables and arrays is refused instead of risking a stack overflow. */
    public static final int MAX_NESTING_DEPTH = 64;

    private WireFormat() {
    }

    public static int readOctet(ByteBuf in) {
        return in.readUnsignedByte();
    }

    public static void writeOctet(ByteBuf out, int value) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("octet out of range: " + value);
        }
        out.writeByte(value);
    }

    public static int readShort(ByteBuf in) {
        return in.readUnsignedShort();
    }

    public static void writeShort(ByteBuf out, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("short out of range: " + value);
        }
        out.writeShort(value);
    }

    public static long readLong(ByteBuf in) {
        return in.readUnsignedInt();
    }

    public static void writeLong(ByteBuf out, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("long out of range: " + value);
        }
        out.writeInt((int) value);
    }

    public static long readLonglong(ByteBuf in) {
        return in.readLong();
    }

    public static void writeLonglong(ByteBuf out, long value) {
        out.writeLong(value);
    }

    /**
     * Strict UTF-8: a lenient decode would turn each bad byte into U+FFFD, three bytes when written again, so a
     * string read from 255 bytes could fail to encode when the broker passes it on (a header name, an argument).
     */
    public static String readShortstr(ByteBuf in) {
        int length = in.readUnsignedByte();
        requireReadable(in, length, "short string");
        int start = in.readerIndex();
        boolean ascii = in.forEachByte(start, length, b -> b >= 0) == -1;
        String value;
        if (ascii) {
            value = in.toString(start, length, StandardCharsets.US_ASCII);
        } else {
            try {
                value = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(in.nioBuffer(start, length)).toString();
            } catch (CharacterCodingException e) {
                throw new AmqpCodecException(AmqpConstants.SYNTAX_ERROR, "short string is not valid UTF-8");
            }
        }
        in.skipBytes(length);
        return value;
    }

    public static void writeShortstr(ByteBuf out, String value) {
        int length = ByteBufUtil.utf8Bytes(value);
        if (length > 0xFF) {
            throw new IllegalArgumentException("short string of " + length + " UTF-8 bytes exceeds 255: "
                    + value.substring(0, Math.min(value.length(), 32)) + "...");
        }
        out.writeByte(length);
        out.writeCharSequence(value, StandardCharsets.UTF_8);
    }

    public static LongString readLongstr(ByteBuf in) {
        return LongString.readFrom(in, readLength(in, "long string"));
    }

    public static void writeLongstr(ByteBuf out, LongString value) {
        value.writeTo(out);
    }

    /**
     * A POSIX time in seconds; sub-second precision is not representable and is dropped on write. The wire's 64 bits
     * reach further than {@link Instant} (about ±10^16 seconds), so a value beyond it is a syntax error.
     */
    public static Instant readTimestamp(ByteBuf in) {
        long seconds = in.readLong();
        if (seconds < Instant.MIN.getEpochSecond() || seconds > Instant.MAX.getEpochSecond()) {
            throw new AmqpCodecException(AmqpConstants.SYNTAX_ERROR, "timestamp " + seconds
                    + " is beyond the representable range of seconds since 1970");
        }
        return Instant.ofEpochSecond(seconds);
    }

    public static void writeTimestamp(ByteBuf out, Instant value) {
        out.writeLong(value.getEpochSecond());
    }

    public static Map<String, Object> readTable(ByteBuf in) {
        return readTable(in, 0);
    }

    public static void writeTable(ByteBuf out, Map<?, ?> table) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        for (Map.Entry<?, ?> entry : table.entrySet()) {
            if (!(entry.getKey() instanceof String name)) {
                throw new IllegalArgumentException("field table key is not a String: " + entry.getKey());
            }
            writeShortstr(out, name);
            writeFieldValue(out, entry.getValue());
        }
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }

    public static List<Object> readArray(ByteBuf in) {
        return readArray(in, 0);
    }

    public static void writeArray(ByteBuf out, List<?> array) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        for (Object value : array) {
            writeFieldValue(out, value);
        }
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }

    private static Map<String, Object> readTable(ByteBuf in, int depth) {
        ByteBuf entries = readNested(in, depth, "field table");
        if (!entries.isReadable()) {
            return Collections.emptyMap();
        }
        Map<String, Object> table = new LinkedHashMap<>();
        while (entries.isReadable()) {
            String name = readShortstr(entries);
            Object value = readFieldValue(entries, depth);
            // Spec 4.2.5.5: a peer MUST handle duplicate fields by using only the first instance.
            table.putIfAbsent(name, value);
        }
        return Collections.unmodifiableMap(table);
    }

    private static List<Object> readArray(ByteBuf in, int depth) {
        ByteBuf values = readNested(in, depth, "field array");
        if (!values.isReadable()) {
            return Collections.emptyList();
        }
        List<Object> array = new ArrayList<>();
        while (values.isReadable()) {
            array.add(readFieldValue(values, depth));
        }
        return Collections.unmodifiableList(array);
    }

    private static ByteBuf readNested(ByteBuf in, int depth, String what) {
        if (depth >= MAX_NESTING_DEPTH) {
            throw new AmqpCodecException(AmqpConstants.SYNTAX_ERROR,
                    what + " nested deeper than " + MAX_NESTING_DEPTH + " levels");
        }
        return in.readSlice(readLength(in, what));
    }

    private static Object readFieldValue(ByteBuf in, int depth) {
        int type = in.readUnsignedByte();
        return switch (type) {
            case 't' -> in.readBoolean();
            case 'b' -> in.readByte();
            case 'B' -> new UnsignedByte(in.readUnsignedByte());
            case 's' -> in.readShort();
            case 'u' -> new UnsignedShort(in.readUnsignedShort());
            case 'I' -> in.readInt();
            case 'i' -> new UnsignedInt(in.readUnsignedInt());
            case 'l' -> in.readLong();
            case 'f' -> in.readFloat();
            case 'd' -> in.readDouble();
            case 'D' -> readDecimal(in);
            case 'S' -> readLongstr(in);
            case 'x' -> readByteArray(in);
            case 'A' -> readArray(in, depth + 1);
            case 'T' -> readTimestamp(in);
            case 'F' -> readTable(in, depth + 1);
            case 'V' -> null;
            default -> throw new AmqpCodecException(AmqpConstants.SYNTAX_ERROR,
                    "unknown field value type 0x" + Integer.toHexString(type));
        };
    }

    private static void writeFieldValue(ByteBuf out, Object value) {
        if (value == null) {
            out.writeByte('V');
        } else if (value instanceof Boolean b) {
            out.writeByte('t').writeBoolean(b);
        } else if (value instanceof Byte b) {
            out.writeByte('b').writeByte(b);
        } else if (value instanceof UnsignedByte b) {
            out.writeByte('B').writeByte(b.value());
        } else if (value instanceof Short s) {
            out.writeByte('s').writeShort(s);
        } else if (value instanceof UnsignedShort s) {
            out.writeByte('u').writeShort(s.value());
        } else if (value instanceof Integer i) {
            out.writeByte('I').writeInt(i);
        } else if (value instanceof UnsignedInt i) {
            out.writeByte('i').writeInt((int) i.value());
        } else if (value instanceof Long l) {
            out.writeByte('l').writeLong(l);
        } else if (value instanceof Float f) {
            out.writeByte('f').writeFloat(f);
        } else if (value instanceof Double d) {
            out.writeByte('d').writeDouble(d);
        } else if (value instanceof BigDecimal d) {
            writeDecimal(out.writeByte('D'), d);
        } else if (value instanceof LongString s) {
            out.writeByte('S');
            s.writeTo(out);
        } else if (value instanceof String s) {
            writeUtf8LongString(out.writeByte('S'), s);
        } else if (value instanceof byte[] bytes) {
            out.writeByte('x').writeInt(bytes.length).writeBytes(bytes);
        } else if (value instanceof List<?> list) {
            writeArray(out.writeByte('A'), list);
        } else if (value instanceof Instant instant) {
            writeTimestamp(out.writeByte('T'), instant);
        } else if (value instanceof Date date) {
            out.writeByte('T').writeLong(date.getTime() / 1000);
        } else if (value instanceof Map<?, ?> map) {
            writeTable(out.writeByte('F'), map);
        } else {
            throw new IllegalArgumentException("no AMQP field value type for " + value.getClass().getName());
        }
    }

    private static void writeUtf8LongString(ByteBuf out, String value) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        int length = out.writeCharSequence(value, StandardCharsets.UTF_8);
        out.setInt(lengthIndex, length);
    }

    /** Scale octet and a signed 32-bit unscaled value, as RabbitMQ and its clients read it. */
    private static BigDecimal readDecimal(ByteBuf in) {
        int scale = in.readUnsignedByte();
        return new BigDecimal(BigInteger.valueOf(in.readInt()), scale);
    }

    private static void writeDecimal(ByteBuf out, BigDecimal value) {
        if (value.scale() < 0 || value.scale() > 0xFF || value.unscaledValue().bitLength() > 31) {
            throw new IllegalArgumentException("decimal needs a scale of 0..255 and a 32-bit unscaled value: " + value);
        }
        out.writeByte(value.scale()).writeInt(value.unscaledValue().intValue());
    }

    private static byte[] readByteArray(ByteBuf in) {
        byte[] bytes = new byte[readLength(in, "byte array")];
        in.readBytes(bytes);
        return bytes;
    }

    private static int readLength(ByteBuf in, String what) {
        long length = in.readUnsignedInt();
        requireReadable(in, length, what);
        return (int) length;
    }

    private static void requireReadable(ByteBuf in, long length, String what) {
        if (length > in.readableBytes()) {
            throw new AmqpCodecException(AmqpConstants.FRAME_ERROR,
                    what + " of " + length + " bytes overruns its frame (" + in.readableBytes() + " bytes left)");
        }
    }
}
