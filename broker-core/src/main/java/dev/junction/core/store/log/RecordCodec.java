package dev.junction.core.store.log;

import dev.junction.core.Arguments;
import io.netty.buffer.ByteBuf;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads the fields of the storage records: strings, ids and argument or header tables. Table values are
 * the Java types the core carries; a value of any other type (a protocol's own wrapper) is stored as its text.
 */
final class RecordCodec {
    private static final byte NULL = 0;
    private static final byte TRUE = 1;
    private static final byte FALSE = 2;
    private static final byte BYTE = 3;
    private static final byte SHORT = 4;
    private static final byte INT = 5;
    private static final byte LONG = 6;
    private static final byte FLOAT = 7;
    private static final byte DOUBLE = 8;
    private static final byte DECIMAL = 9;
    private static final byte STRING = 10;
    private static final byte BYTES = 11;
    private static final byte LIST = 12;
    private static final byte MAP = 13;
    private static final byte INSTANT = 14;
    private static final byte DATE = 15;
    /** Nesting deeper than what the core lets in is a damaged record, not data. */
    private static final int MAX_DEPTH = Arguments.MAX_DEPTH;

    private RecordCodec() {
    }

    static void writeString(ByteBuf out, String value) {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        int lengthAt = out.writerIndex();
        out.writeInt(0);
        int written = out.writeCharSequence(value, StandardCharsets.UTF_8);
        out.setInt(lengthAt, written);
    }

    static String readString(ByteBuf in) {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        checkLength(in, length);
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    static void writeTable(ByteBuf out, Map<String, Object> table) {
        if (table == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(table.size());
        for (Map.Entry<String, Object> entry : table.entrySet()) {
            writeString(out, entry.getKey());
            writeValue(out, entry.getValue());
        }
    }

    static Map<String, Object> readTable(ByteBuf in) {
        return readTable(in, 0);
    }

    /** The values of a table at {@code depth} sit one level deeper, as {@link Arguments} counts. */
    private static Map<String, Object> readTable(ByteBuf in, int depth) {
        int size = in.readInt();
        if (size == -1) {
            return null;
        }
        checkLength(in, size);
        Map<String, Object> table = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            String key = readString(in);
            table.put(key, readValue(in, depth + 1));
        }
        return Collections.unmodifiableMap(table);
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(ByteBuf out, Object value) {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof Boolean b) {
            out.writeByte(b ? TRUE : FALSE);
        } else if (value instanceof Byte b) {
            out.writeByte(BYTE).writeByte(b);
        } else if (value instanceof Short s) {
            out.writeByte(SHORT).writeShort(s);
        } else if (value instanceof Integer i) {
            out.writeByte(INT).writeInt(i);
        } else if (value instanceof Long l) {
            out.writeByte(LONG).writeLong(l);
        } else if (value instanceof Float f) {
            out.writeByte(FLOAT).writeFloat(f);
        } else if (value instanceof Double d) {
            out.writeByte(DOUBLE).writeDouble(d);
        } else if (value instanceof BigDecimal d) {
            out.writeByte(DECIMAL).writeInt(d.scale());
            writeBytes(out, d.unscaledValue().toByteArray());
        } else if (value instanceof byte[] bytes) {
            out.writeByte(BYTES);
            writeBytes(out, bytes);
        } else if (value instanceof List<?> list) {
            out.writeByte(LIST).writeInt(list.size());
            list.forEach(element -> writeValue(out, element));
        } else if (value instanceof Map<?, ?> map) {
            out.writeByte(MAP);
            writeTable(out, (Map<String, Object>) map);
        } else if (value instanceof Instant instant) {
            out.writeByte(INSTANT).writeLong(instant.getEpochSecond()).writeInt(instant.getNano());
        } else if (value instanceof Date date) {
            out.writeByte(DATE).writeLong(date.getTime());
        } else {
            out.writeByte(STRING);
            writeString(out, value.toString());
        }
    }

    private static Object readValue(ByteBuf in, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("table nested deeper than " + MAX_DEPTH + " levels");
        }
        byte tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case TRUE -> true;
            case FALSE -> false;
            case BYTE -> in.readByte();
            case SHORT -> in.readShort();
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case DECIMAL -> {
                int scale = in.readInt();
                yield new BigDecimal(new BigInteger(readBytes(in)), scale);
            }
            case STRING -> readString(in);
            case BYTES -> readBytes(in);
            case LIST -> {
                int size = in.readInt();
                checkLength(in, size);
                List<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(readValue(in, depth + 1));
                }
                yield Collections.unmodifiableList(list);
            }
            case MAP -> readTable(in, depth);
            case INSTANT -> Instant.ofEpochSecond(in.readLong(), in.readInt());
            case DATE -> new Date(in.readLong());
            default -> throw new IllegalArgumentException("unknown value tag " + tag);
        };
    }

    private static void writeBytes(ByteBuf out, byte[] bytes) {
        out.writeInt(bytes.length).writeBytes(bytes);
    }

    private static byte[] readBytes(ByteBuf in) {
        int length = in.readInt();
        checkLength(in, length);
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    /** Every element takes at least one byte, so a count beyond what is left is damage, not a huge allocation. */
    private static void checkLength(ByteBuf in, int length) {
        if (length < 0 || length > in.readableBytes()) {
            throw new IllegalArgumentException("length " + length + " exceeds the " + in.readableBytes()
                    + " bytes left in the record");
        }
    }
}
