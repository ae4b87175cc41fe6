package dev.junction.amqp.codec.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.amqp.codec.AmqpCodecException;
import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.types.LongString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AmqpMethodsTest {

    static List<AmqpMethod> samples() {
        return MethodSamples.all();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyMethodRoundTrips(AmqpMethod method) {
        byte[] encoded = encode(method);
        ByteBuf in = Unpooled.wrappedBuffer(encoded);
        assertEquals(method, AmqpMethods.decode(in));
        assertFalse(in.isReadable());
        assertEquals(method.protocolClassId(), ((encoded[0] & 0xFF) << 8) | (encoded[1] & 0xFF));
        assertEquals(method.protocolMethodId(), ((encoded[2] & 0xFF) << 8) | (encoded[3] & 0xFF));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyTruncationOfTheArgumentsIsAFrameError(AmqpMethod method) {
        byte[] encoded = encode(method);
        for (int length = 4; length < encoded.length; length++) {
            ByteBuf truncated = Unpooled.wrappedBuffer(encoded, 0, length);
            AmqpCodecException e = assertThrows(AmqpCodecException.class, () -> AmqpMethods.decode(truncated),
                    method.protocolMethodName() + " cut at " + length);
            assertEquals(AmqpConstants.FRAME_ERROR, e.replyCode());
            assertEquals(method.protocolClassId(), e.classId());
            assertEquals(method.protocolMethodId(), e.methodId());
        }
    }

    @Test
    void theTableHasEveryMethodOnceWithRabbitMqsIds() {
        List<Class<?>> types = MethodSamples.methodTypes();
        assertEquals(66, types.size());
        Set<Integer> keys = new HashSet<>();
        for (Class<?> type : types) {
            AmqpMethod method = MethodSamples.sample(type, 0);
            assertTrue(keys.add(method.protocolClassId() << 16 | method.protocolMethodId()), type.getName());
        }
        assertEquals(51, new Exchange.UnbindOk().protocolMethodId(), "RabbitMQ's exchange.unbind-ok id");
        assertEquals("basic.recover-async", new Basic.RecoverAsync(true).protocolMethodName());
        assertTrue(new Basic.Deliver("t", 1, false, "x", "k").hasContent());
        assertFalse(new Basic.Ack(1, false).hasContent());
    }

    @Test
    void consecutiveBitsShareAnOctetFromTheLowBit() {
        byte[] declare = encode(new Queue.Declare(0, "q", false, true, false, true, true, Map.of()));
        // ticket(2) "q"(2) bits(1) table(4): passive=1 durable=2 exclusive=4 auto-delete=8 nowait=16
        assertEquals(0b11010, declare[4 + 4]);
        byte[] nack = encode(new Basic.Nack(5, true, true));
        assertArrayEquals(new byte[] {0, 60, 0, 120, 0, 0, 0, 0, 0, 0, 0, 5, 3}, nack);
        byte[] access = encode(new Access.Request("/data", true, false, true, false, true));
        assertEquals(0b10101, access[access.length - 1]);
    }

    @Test
    void unknownMethodsAreCommandInvalid() {
        for (int[] ids : new int[][] {{60, 41}, {99, 10}, {10, 0}}) {
            AmqpCodecException e = assertThrows(AmqpCodecException.class,
                    () -> AmqpMethods.decode(ids[0], ids[1], Unpooled.EMPTY_BUFFER));
            assertEquals(AmqpConstants.COMMAND_INVALID, e.replyCode());
            assertEquals(ids[0], e.classId());
            assertEquals(ids[1], e.methodId());
        }
    }

    @Test
    void bytesAfterTheArgumentsAreAFrameError() {
        byte[] ack = encode(new Basic.Ack(1, false));
        ByteBuf longer = Unpooled.buffer().writeBytes(ack).writeByte(0);
        AmqpCodecException e = assertThrows(AmqpCodecException.class, () -> AmqpMethods.decode(longer));
        assertEquals(AmqpConstants.FRAME_ERROR, e.replyCode());
    }

    @Test
    void aMethodFrameWithoutIdsIsAFrameError() {
        AmqpCodecException e = assertThrows(AmqpCodecException.class,
                () -> AmqpMethods.decode(Unpooled.wrappedBuffer(new byte[] {0, 60, 0})));
        assertEquals(AmqpConstants.FRAME_ERROR, e.replyCode());
    }

    @Test
    void outOfRangeValuesAreRefusedWhenEncoding() {
        ByteBuf out = Unpooled.buffer();
        assertThrows(IllegalArgumentException.class, () -> AmqpMethods.encode(new Basic.Qos(-1, 0, false), out));
        assertThrows(IllegalArgumentException.class, () -> AmqpMethods.encode(new Basic.Qos(0, 65536, false), out));
        assertThrows(IllegalArgumentException.class,
                () -> AmqpMethods.encode(new Connection.Start(256, 9, Map.of(), LongString.EMPTY, LongString.EMPTY), out));
        assertThrows(IllegalArgumentException.class,
                () -> AmqpMethods.encode(new Queue.Purge(0, "q".repeat(256), false), out));
        assertThrows(NullPointerException.class, () -> new Queue.Purge(0, null, false));
    }

    static byte[] encode(AmqpMethod method) {
        ByteBuf out = Unpooled.buffer();
        AmqpMethods.encode(method, out);
        return ByteBufUtil.getBytes(out);
    }
}
