package dev.junction.amqp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.LongStringHelper;
import com.rabbitmq.client.impl.Method;
import com.rabbitmq.client.impl.ValueReader;
import com.rabbitmq.client.impl.ValueWriter;
import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.amqp.codec.method.AmqpMethods;
import dev.junction.amqp.codec.method.Basic;
import dev.junction.amqp.codec.method.BasicProperties;
import dev.junction.amqp.codec.method.MethodSamples;
import dev.junction.amqp.codec.types.LongString;
import dev.junction.amqp.codec.types.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The RabbitMQ Java client as an oracle: both sides must write the same bytes and read each other's. */
class RabbitClientDifferentialTest {

    private static final int CHANNEL = 5;

    static List<AmqpMethod> samples() {
        return MethodSamples.all();
    }

    /**
     * The client keeps tables in a HashMap, so its field order is not ours: bytes are compared after our decoder
     * has read the client's frame (keeping its order), and the client's reading of our frame is compared by value.
     */
    @ParameterizedTest
    @MethodSource("samples")
    void everyMethodFrameIsReadableBothWaysAndReencodesByteExactly(AmqpMethod ours) throws Exception {
        Method theirs = toClientMethod(ours);
        byte[] clientBytes = write(theirs.toFrame(CHANNEL));

        ByteBuf payload = Unpooled.wrappedBuffer(clientBytes, 7, clientBytes.length - 8);
        AmqpMethod decoded = AmqpMethods.decode(payload);
        assertEquals(ours, decoded);
        assertArrayEquals(clientBytes, encode(decoded), ours.protocolMethodName());

        Frame frame = readFrame(encode(ours));
        assertEquals(CHANNEL, frame.getChannel());
        Method read = AMQImpl.readMethodFrom(frame.getInputStream());
        assertEquals(theirs.getClass(), read.getClass());
        if (ours.getClass().getRecordComponents().length > 0) {
            assertEquals(theirs, read, "the client's methods without arguments compare by identity");
        }
    }

    @Test
    void methodFramesWithoutTablesAreByteIdentical() throws Exception {
        for (AmqpMethod ours : MethodSamples.all()) {
            Method theirs = toClientMethod(ours);
            boolean hasTable = java.util.Arrays.stream(ours.getClass().getRecordComponents())
                    .anyMatch(c -> c.getType() == Map.class);
            if (!hasTable) {
                assertArrayEquals(write(theirs.toFrame(CHANNEL)), encode(ours), ours.protocolMethodName());
            }
        }
    }

    private static byte[] encode(AmqpMethod method) {
        return FrameBytes.none().method(CHANNEL, method).bytes();
    }

    @Test
    void contentWithAllPropertiesSplitIntoBodyFramesMatchesTheClient() throws Exception {
        BasicProperties ours = new BasicProperties("text/plain", "gzip", MethodSamples.table(), 2, 9, "corr",
                "reply", "60000", "msg-1", Instant.ofEpochSecond(1_650_000_000L), "kind", "guest", "app", "cluster");
        AMQP.BasicProperties theirs = new AMQP.BasicProperties("text/plain", "gzip",
                toClientTable(MethodSamples.table()), 2, 9, "corr", "reply", "60000", "msg-1",
                new Date(1_650_000_000_000L), "kind", "guest", "app", "cluster");
        Basic.Publish publish = new Basic.Publish(0, "ex", "key", false, true);
        byte[] body = new byte[10_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }

        ByteArrayOutputStream client = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(client);
        toClientMethod(publish).toFrame(CHANNEL).writeTo(out);
        theirs.toFrame(CHANNEL, body.length).writeTo(out);
        int chunk = AmqpConstants.FRAME_MIN_SIZE - 8;
        for (int offset = 0; offset < body.length; offset += chunk) {
            Frame.fromBodyFragment(CHANNEL, ByteBuffer.wrap(body), offset, Math.min(chunk, body.length - offset))
                    .writeTo(out);
        }
        byte[] clientBytes = client.toByteArray();

        List<AmqpFrameDecoderTest.Received> decoded = AmqpFrameDecoderTest.decode(
                List.of(FrameBytes.start().raw(clientBytes).bytes()));
        assertEquals(List.of(new AmqpFrameDecoderTest.Received(CHANNEL, publish, ours, ByteBufUtil.hexDump(body))),
                decoded);

        // Re-encoding what we decoded (headers in the client's order) reproduces the client's bytes exactly.
        EmbeddedChannel decoder = new EmbeddedChannel(new AmqpFrameDecoder());
        decoder.writeInbound(Unpooled.wrappedBuffer(FrameBytes.start().raw(clientBytes).bytes()));
        EmbeddedChannel encoder = new EmbeddedChannel(new AmqpFrameEncoder());
        encoder.writeOutbound((AmqpCommand) decoder.readInbound());
        assertArrayEquals(clientBytes, AmqpFrameEncoderTest.drain(encoder));

        encoder.writeOutbound(new AmqpCommand(CHANNEL, publish, ours, Unpooled.wrappedBuffer(body)));
        byte[] ourBytes = AmqpFrameEncoderTest.drain(encoder);
        decoder.finishAndReleaseAll();
        encoder.finishAndReleaseAll();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(ourBytes));
        Frame.readFrom(in, () -> Integer.MAX_VALUE);
        Frame header = Frame.readFrom(in, () -> Integer.MAX_VALUE);
        AMQP.BasicProperties read = (AMQP.BasicProperties) AMQImpl.readContentHeaderFrom(header.getInputStream());
        assertEquals(theirs, read);
        assertEquals(body.length, read.getBodySize());
        ByteArrayOutputStream readBody = new ByteArrayOutputStream();
        while (readBody.size() < body.length) {
            Frame frame = Frame.readFrom(in, () -> Integer.MAX_VALUE);
            assertEquals(AmqpConstants.FRAME_BODY, frame.getType());
            readBody.write(frame.getPayload());
        }
        assertArrayEquals(body, readBody.toByteArray());
        assertEquals(-1, in.read(), "nothing after the last body frame");
    }

    @Test
    void fieldTablesWithEveryClientValueTypeMatch() throws IOException {
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("bool", false);
        table.put("byte", (byte) 127);
        table.put("short", Short.MIN_VALUE);
        table.put("int", Integer.MAX_VALUE);
        table.put("long", Long.MIN_VALUE);
        table.put("float", -0.5f);
        table.put("double", Math.PI);
        table.put("decimal", new BigDecimal("3.14159"));
        table.put("string", LongStringHelper.asLongString("\u00fcnicode"));
        table.put("bytes", new byte[] {0, (byte) 0xFF, 7});
        table.put("array", List.of(1, LongStringHelper.asLongString("a"), new byte[] {9}, List.of(true)));
        table.put("time", new Date(1_000_000_000_000L));
        table.put("table", Map.of("inner", 1.0d));
        table.put("void", null);

        ByteArrayOutputStream client = new ByteArrayOutputStream();
        ValueWriter writer = new ValueWriter(new DataOutputStream(client));
        writer.writeTable(table);
        writer.flush();
        byte[] clientBytes = client.toByteArray();

        Map<String, Object> ours = WireFormat.readTable(Unpooled.wrappedBuffer(clientBytes));
        assertEquals(normalize(table), normalize(ours));
        ByteBuf ourBytes = Unpooled.buffer();
        WireFormat.writeTable(ourBytes, ours);
        assertArrayEquals(clientBytes, ByteBufUtil.getBytes(ourBytes));

        Map<String, Object> readByClient = new ValueReader(new DataInputStream(
                new ByteArrayInputStream(ByteBufUtil.getBytes(ourBytes)))).readTable();
        assertEquals(normalize(table), normalize(readByClient));
    }

    private static Method toClientMethod(AmqpMethod ours) throws ReflectiveOperationException {
        Class<?> type = ours.getClass();
        String name = AMQImpl.class.getName() + "$" + type.getEnclosingClass().getSimpleName() + "$"
                + type.getSimpleName();
        RecordComponent[] components = type.getRecordComponents();
        for (Constructor<?> constructor : Class.forName(name).getConstructors()) {
            Class<?>[] parameters = constructor.getParameterTypes();
            if (parameters.length != components.length || (parameters.length == 1
                    && parameters[0].getSimpleName().equals("MethodArgumentReader"))) {
                continue;
            }
            Object[] arguments = new Object[parameters.length];
            for (int i = 0; i < arguments.length; i++) {
                arguments[i] = toClientValue(components[i].getAccessor().invoke(ours), parameters[i]);
            }
            return (Method) constructor.newInstance(arguments);
        }
        throw new IllegalStateException("no client constructor for " + name);
    }

    private static Object toClientValue(Object value, Class<?> parameterType) {
        if (value instanceof Long l && parameterType == int.class) {
            return (int) (long) l;
        }
        return toClientFieldValue(value);
    }

    private static Object toClientFieldValue(Object value) {
        if (value instanceof LongString s) {
            return LongStringHelper.asLongString(s.toByteArray());
        } else if (value instanceof Instant instant) {
            return Date.from(instant);
        } else if (value instanceof Map<?, ?> map) {
            return toClientTable(map);
        } else if (value instanceof List<?> list) {
            List<Object> converted = new ArrayList<>();
            list.forEach(v -> converted.add(toClientFieldValue(v)));
            return converted;
        }
        return value;
    }

    private static Map<String, Object> toClientTable(Map<?, ?> table) {
        Map<String, Object> converted = new LinkedHashMap<>();
        table.forEach((k, v) -> converted.put((String) k, toClientFieldValue(v)));
        return converted;
    }

    /** A form in which both libraries' value types compare equal: bytes as hex, times as epoch seconds. */
    private static Object normalize(Object value) {
        if (value instanceof byte[] bytes) {
            return "x:" + HexFormat.of().formatHex(bytes);
        } else if (value instanceof LongString s) {
            return "S:" + HexFormat.of().formatHex(s.toByteArray());
        } else if (value instanceof com.rabbitmq.client.LongString s) {
            return "S:" + HexFormat.of().formatHex(s.getBytes());
        } else if (value instanceof Instant instant) {
            return "T:" + instant.getEpochSecond();
        } else if (value instanceof Date date) {
            return "T:" + date.getTime() / 1000;
        } else if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put((String) k, normalize(v)));
            return sorted;
        } else if (value instanceof List<?> list) {
            List<Object> normalized = new ArrayList<>();
            list.forEach(v -> normalized.add(normalize(v)));
            return normalized;
        }
        return value;
    }

    private static byte[] write(Frame frame) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        frame.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static Frame readFrame(byte[] bytes) throws IOException {
        return Frame.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)), () -> Integer.MAX_VALUE);
    }
}
