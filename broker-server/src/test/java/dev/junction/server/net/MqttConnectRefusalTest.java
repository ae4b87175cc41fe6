package dev.junction.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqttConnectRefusalTest {
    /** CONNECT, protocol "MQTT" level 4, clean session, keep-alive 60, empty client id. */
    static final byte[] CONNECT = {0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00};

    private final EmbeddedChannel channel = new EmbeddedChannel(new MqttConnectRefusal(1024, 10));

    @Test
    void answersConnectWithServerUnavailableAndCloses() {
        channel.writeInbound(Unpooled.wrappedBuffer(CONNECT));
        assertEquals("20020003", readOutboundHex());
        assertFalse(channel.isOpen());
    }

    @Test
    void waitsForTheWholeConnectPacketBeforeAnswering() {
        for (int i = 0; i < CONNECT.length - 1; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(CONNECT, i, 1));
            assertNull(channel.readOutbound(), "answered after " + (i + 1) + " bytes");
            assertTrue(channel.isOpen());
        }
        channel.writeInbound(Unpooled.wrappedBuffer(CONNECT, CONNECT.length - 1, 1));
        assertEquals("20020003", readOutboundHex());
        assertFalse(channel.isOpen());
    }

    @Test
    void firstPacketOtherThanConnectClosesWithoutReply() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC0, 0x00})); // PINGREQ
        assertNull(channel.readOutbound());
        assertFalse(channel.isOpen());
    }

    @Test
    void connectLargerThanMaxPacketSizeClosesWithoutReply() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x10, (byte) 0x80, 0x08})); // remaining length 1024
        assertNull(channel.readOutbound());
        assertFalse(channel.isOpen());
    }

    @Test
    void remainingLengthLongerThanFourBytesIsMalformed() {
        EmbeddedChannel big = new EmbeddedChannel(new MqttConnectRefusal(Integer.MAX_VALUE, 10));
        big.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x10, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}));
        assertNull(big.readOutbound());
        assertFalse(big.isOpen());
    }

    @Test
    void closesAConnectionThatSendsNothingWithinTheConnectTimeout() {
        channel.freezeTime();
        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        assertNull(channel.readOutbound());
    }

    private String readOutboundHex() {
        ByteBuf out = channel.readOutbound();
        try {
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }
}
