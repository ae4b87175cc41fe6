package dev.junction.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT pipeline while no MQTT protocol handler is installed: the broker cannot serve sessions, so it reads the
 * client's CONNECT and answers CONNACK return code 3, "Server unavailable" (MQTT 3.1.1, 3.2.2.3), then closes the
 * connection as 3.2.2.3 requires after a non-zero return code. The whole packet is consumed first so that closing
 * does not reset the connection before the client reads the CONNACK.
 */
public final class MqttConnectRefusal extends ByteToMessageDecoder {
    private static final byte[] CONNACK_SERVER_UNAVAILABLE = {0x20, 0x02, 0x00, 0x03};
    private static final int CONNECT_FIRST_BYTE = 0x10;
    private static final int MAX_REMAINING_LENGTH_BYTES = 4;
    private static final long INCOMPLETE = -1;
    private static final long MALFORMED = -2;

    private final int maxPacketSize;
    private final int connectTimeoutSeconds;
    private boolean done;

    public MqttConnectRefusal(int maxPacketSize, int connectTimeoutSeconds) {
        this.maxPacketSize = maxPacketSize;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // MQTT 3.1.1, 3.1.4: a server that gets no CONNECT within a reasonable time SHOULD close the connection.
        var timeout = ctx.executor().schedule(() -> finish(ctx), connectTimeoutSeconds, TimeUnit.SECONDS);
        ctx.channel().closeFuture().addListener(closed -> timeout.cancel(false));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        // [MQTT-3.1.0-1]: the first packet must be CONNECT; anything else is a protocol violation, closed without reply.
        if (in.getUnsignedByte(in.readerIndex()) != CONNECT_FIRST_BYTE) {
            in.skipBytes(in.readableBytes());
            finish(ctx);
            return;
        }
        long packetSize = packetSize(in);
        if (packetSize == INCOMPLETE) {
            return;
        }
        if (packetSize == MALFORMED || packetSize > maxPacketSize) {
            in.skipBytes(in.readableBytes());
            finish(ctx);
            return;
        }
        if (in.readableBytes() < packetSize) {
            return;
        }
        in.skipBytes((int) packetSize);
        done = true;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(CONNACK_SERVER_UNAVAILABLE)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Fixed header plus Remaining Length (MQTT 3.1.1, 2.2.3), or INCOMPLETE / MALFORMED. */
    private static long packetSize(ByteBuf in) {
        long remainingLength = 0;
        int multiplier = 1;
        for (int i = 1; i <= MAX_REMAINING_LENGTH_BYTES; i++) {
            if (in.readableBytes() <= i) {
                return INCOMPLETE;
            }
            int encoded = in.getUnsignedByte(in.readerIndex() + i);
            remainingLength += (long) (encoded & 0x7F) * multiplier;
            if ((encoded & 0x80) == 0) {
                return 1 + i + remainingLength;
            }
            multiplier *= 128;
        }
        return MALFORMED;
    }

    private void finish(ChannelHandlerContext ctx) {
        done = true;
        ctx.close();
    }
}
