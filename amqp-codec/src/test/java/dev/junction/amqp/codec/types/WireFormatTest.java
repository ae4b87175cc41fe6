package dev.junction.amqp.codec.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.amqp.codec.AmqpCodecException;
import dev.junction.amqp.codec.AmqpConstants;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    /** Builds wire bytes by hand, independently of the codec under test. */
    private static final class Bytes {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(buffer);

        Bytes name(String name) throws IOException {
            out.writeByte(name.length());
            out.writeBytes(name);
            return this;
        }

        Bytes tag(char type) throws IOException {
            out.writeByte(type);
            return this;
        }

        DataOutputStream data() {
            return out;
        }

        byte[] table() throws IOException {
            byte[] entries = buffer.toByteArray();
            ByteArrayOutputStream table = new ByteArrayOutputStream();
            new DataOutputStream(table).writeInt(entries.length);
            table.write(entries);
            return table.toByteArray();
        }
    }

    /** Found by AmqpFrameDecoderFuzzTest (corpus entry crash-timestamp-beyond-instant-range). */
    @Test
    void aTimestampBeyondInstantsRangeIsASyntaxError() {
        ByteBuf in = Unpooled.buffer().writeLong(0x8000_0800_6553_F100L);
        AmqpCodecException e = assertThrows(AmqpCodecException.class, () -> WireFormat.readTimestamp(in));
        assertEquals(AmqpConstants.SYNTAX_ERROR, e.replyCode());
        assertEquals("timestamp -9223363239061753600 is beyond the representable range of seconds since 1970",
                e.getMessage());
        ByteBuf latest = Unpooled.buffer().writeLong(Instant.MAX.getEpochSecond());
        assertEquals(Instant.MAX.getEpochSecond(), WireFormat.readTimestamp(latest).getEpochSecond());
        in.release();
        latest.release();
    }

    /** Found by AmqpFrameDecoderFuzzTest (corpus entry crash-invalid-utf8-short-string-grows-past-255-bytes). */
    @Test
    void aShortStringThatIsNotUtf8IsASyntaxErrorRatherThanALossyString() {
        byte[] invalid = new byte[255];
        java.util.Arrays.fill(invalid, (byte) 0xFF);
        ByteBuf in = Unpooled.buffer().writeByte(255).writeBytes(invalid);
        AmqpCodecException e = assertThrows(AmqpCodecException.class, () -> WireFormat.readShortstr(in));
        assertEquals(AmqpConstants.SYNTAX_ERROR, e.replyCode());
        assertEquals("short string is not valid UTF-8", e.getMessage());
        byte[] accented = "héllo".getBytes(StandardCharsets.UTF_8);
        ByteBuf valid = Unpooled.buffer().writeByte(accented.length).writeBytes(accented);
        assertEquals("héllo", WireFormat.readShortstr(valid));
        assertFalse(valid.isReadable());
        in.release();
        valid.release();
    }

    @Test
    void everyFieldValueTypeDecodesAndEncodesBackByteExactly() throws IOException {
        Bytes nested = new Bytes();
        nested.name("n").tag('I').data().writeInt(7);
        byte[] nestedTable = nested.table();

        Bytes b = new Bytes();
        b.name("t").tag('t').data().writeByte(1);
        b.name("b").tag('b').data().writeByte(-5);
        b.name("B").tag('B').data().writeByte(250);
        b.name("s").tag('s').data().writeShort(-1000);
        b.name("u").tag('u').data().writeShort(65000);
        b.name("I").tag('I').data().writeInt(-100_000);
        b.name("i").tag('i').data().writeInt(0xFFFF_FFFE);
        b.name("l").tag('l').data().writeLong(-(1L << 50));
        b.name("f").tag('f').data().writeFloat(3.5f);
        b.name("d").tag('d').data().writeDouble(-0.125);
        b.name("D").tag('D').data().writeByte(3);
        b.data().writeInt(-12345);
        b.name("S").tag('S').data().writeInt(3);
        b.data().write(new byte[] {'a', (byte) 0xFF, 'c'});
        b.name("x").tag('x').data().writeInt(2);
        b.data().write(new byte[] {1, 2});
        b.name("A").tag('A').data().writeInt(1 + 4 + 1 + 1 + 1);
        b.tag('I').data().writeInt(9);
        b.tag('t').data().writeByte(0);
        b.tag('V');
        b.name("T").tag('T').data().writeLong(1_600_000_000L);
        b.name("F").tag('F').data().write(nestedTable);
        b.name("V").tag('V');
        byte[] wire = b.table();

        ByteBuf in = Unpooled.wrappedBuffer(wire);
        Map<String, Object> table = WireFormat.readTable(in);
        assertFalse(in.isReadable());

        assertEquals(List.of("t", "b", "B", "s", "u", "I", "i", "l", "f", "d", "D", "S", "x", "A", "T", "F", "V"),
                List.copyOf(table.keySet()));
        assertEquals(true, table.get("t"));
        assertEquals((byte) -5, table.get("b"));
        assertEquals(new UnsignedByte(250), table.get("B"));
        assertEquals((short) -1000, table.get("s"));
        assertEquals(new UnsignedShort(65000), table.get("u"));
        assertEquals(-100_000, table.get("I"));
        assertEquals(new UnsignedInt(0xFFFF_FFFEL), table.get("i"));
        assertEquals(-(1L << 50), table.get("l"));
        assertEquals(3.5f, table.get("f"));
        assertEquals(-0.125, table.get("d"));
        assertEquals(new BigDecimal("-12.345"), table.get("D"));
        assertEquals(LongString.copyOf(new byte[] {'a', (byte) 0xFF, 'c'}), table.get("S"));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) table.get("x"));
        assertEquals(java.util.Arrays.asList(9, false, null), table.get("A"));
        assertEquals(Instant.ofEpochSecond(1_600_000_000L), table.get("T"));
        assertEquals(Map.of("n", 7), table.get("F"));
        assertTrue(table.containsKey("V"));
        assertNull(table.get("V"));

        ByteBuf out = Unpooled.buffer();
        WireFormat.writeTable(out, table);
        assertArrayEquals(wire, ByteBufUtil.getBytes(out));
    }

    @Test
    void stringsAndDatesAreAcceptedWhenEncoding() {
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("s", "h\u00e9");
        table.put("d", new Date(1_600_000_000_999L));
        ByteBuf out = Unpooled.buffer();
        WireFormat.writeTable(out, table);
        Map<String, Object> decoded = WireFormat.readTable(out);
        assertEquals(LongString.of("h\u00e9"), decoded.get("s"));
        assertEquals(Instant.ofEpochSecond(1_600_000_000L), decoded.get("d"));
    }

    @Test
    void unknownFieldTypesAreSyntaxErrors() throws IOException {
        for (char type : new char[] {'U', 'L', 'z', 0}) {
            Bytes b = new Bytes();
            b.name("k").tag(type).data().writeShort(1);
            byte[] wire = b.table();
            AmqpCodecException e = assertThrows(AmqpCodecException.class,
                    () -> WireFormat.readTable(Unpooled.wrappedBuffer(wire)));
            assertEquals(AmqpConstants.SYNTAX_ERROR, e.replyCode(), "type " + (int) type);
        }
    }

    @Test
    void lengthsOverrunningTheirFrameAreFrameErrors() {
        byte[] tableLongerThanInput = {0, 0, 0, 10, 1, 'k', 'V'};
        byte[] stringOverrunningTable = {0, 0, 0, 7, 1, 'k', 'S', 0, 0, 0, 9};
        byte[] hugeLength = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        for (byte[] wire : List.of(tableLongerThanInput, stringOverrunningTable, hugeLength)) {
            AmqpCodecException e = assertThrows(AmqpCodecException.class,
                    () -> WireFormat.readTable(Unpooled.wrappedBuffer(wire)));
            assertEquals(AmqpConstants.FRAME_ERROR, e.replyCode());
        }
        AmqpCodecException e = assertThrows(AmqpCodecException.class,
                () -> WireFormat.readShortstr(Unpooled.wrappedBuffer(new byte[] {5, 'a', 'b'})));
        assertEquals(AmqpConstants.FRAME_ERROR, e.replyCode());
    }

    @Test
    void nestingBeyondTheLimitIsASyntaxErrorNotAStackOverflow() {
        Map<String, Object> table = Map.of();
        for (int depth = 0; depth < WireFormat.MAX_NESTING_DEPTH; depth++) {
            table = Map.of("n", table);
        }
        ByteBuf out = Unpooled.buffer();
        WireFormat.writeTable(out, table);
        AmqpCodecException e = assertThrows(AmqpCodecException.class, () -> WireFormat.readTable(out));
        assertEquals(AmqpConstants.SYNTAX_ERROR, e.replyCode());

        Map<String, Object> allowed = Map.of();
        for (int depth = 1; depth < WireFormat.MAX_NESTING_DEPTH; depth++) {
            allowed = Map.of("n", allowed);
        }
        ByteBuf ok = Unpooled.buffer();
        WireFormat.writeTable(ok, allowed);
        assertEquals(allowed, WireFormat.readTable(ok));
    }

    @Test
    void duplicateFieldNamesKeepTheFirstInstance() throws IOException {
        Bytes b = new Bytes();
        b.name("k").tag('I').data().writeInt(1);
        b.name("k").tag('I').data().writeInt(2);
        assertEquals(Map.of("k", 1), WireFormat.readTable(Unpooled.wrappedBuffer(b.table())));
    }

    @Test
    void unencodableValuesAreRefusedClearly() {
        ByteBuf out = Unpooled.buffer();
        assertThrows(IllegalArgumentException.class, () -> WireFormat.writeTable(out, Map.of("k", new Object())));
        assertThrows(IllegalArgumentException.class,
                () -> WireFormat.writeTable(out, Map.of("k", new BigDecimal("1e300"))));
        assertThrows(IllegalArgumentException.class,
                () -> WireFormat.writeTable(out, Map.of("k", new BigDecimal("12345678901234"))));
        assertThrows(IllegalArgumentException.class, () -> WireFormat.writeTable(out, Map.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> new UnsignedByte(256));
        assertThrows(IllegalArgumentException.class, () -> new UnsignedShort(-1));
        assertThrows(IllegalArgumentException.class, () -> new UnsignedInt(1L << 32));
    }

    @Test
    void shortStringsAreUtf8AndAtMost255Bytes() {
        ByteBuf out = Unpooled.buffer();
        WireFormat.writeShortstr(out, "\u00e9t\u00e9");
        assertEquals(5, out.getByte(0));
        assertEquals("\u00e9t\u00e9", WireFormat.readShortstr(out));
        assertThrows(IllegalArgumentException.class, () -> WireFormat.writeShortstr(out, "\u00e9".repeat(128)));
        assertEquals("\u00e9".repeat(127), new String(
                ByteBufUtil.getBytes(writeShortstr("\u00e9".repeat(127)), 1, 254), StandardCharsets.UTF_8));
    }

    private static ByteBuf writeShortstr(String value) {
        ByteBuf out = Unpooled.buffer();
        WireFormat.writeShortstr(out, value);
        return out;
    }
}
