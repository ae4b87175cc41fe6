package dev.junction.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class AmqpHeaderRefusalTest {
    @Test
    void answersAnyInputWithTheAmqp091HeaderOnceAndCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpHeaderRefusal());
        channel.writeInbound(Unpooled.copiedBuffer("AMQP\u0000\u0000\u0009\u0001", StandardCharsets.ISO_8859_1));
        ByteBuf out = channel.readOutbound();
        try {
            assertEquals("414d515000000901", ByteBufUtil.hexDump(out));
        } finally {
            out.release();
        }
        assertFalse(channel.isOpen());
        assertNull(channel.readOutbound());
    }

    @Test
    void garbageGetsTheSameAnswer() {
        EmbeddedChannel channel = new EmbeddedChannel(new AmqpHeaderRefusal());
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));
        ByteBuf out = channel.readOutbound();
        try {
            assertEquals("414d515000000901", ByteBufUtil.hexDump(out));
        } finally {
            out.release();
        }
        assertFalse(channel.isOpen());
    }
}
