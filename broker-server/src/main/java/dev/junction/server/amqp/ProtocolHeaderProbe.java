package dev.junction.server.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Tells the connection handler when the 8-byte protocol header has gone through the decoder: the decoder reports
 * a wrong header but is silent about a right one, and the server must not send connection.start before the
 * client's header has arrived (spec 4.2.2). Sits before the decoder and removes itself once the header has passed.
 */
final class ProtocolHeaderProbe extends ChannelInboundHandlerAdapter {
    static final Object HEADER_RECEIVED = "amqp-protocol-header-received";
    private static final int HEADER_LENGTH = 8;

    private int seen;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            seen += bytes.readableBytes();
        }
        ctx.fireChannelRead(msg);
        if (seen >= HEADER_LENGTH) {
            ctx.fireUserEventTriggered(HEADER_RECEIVED);
            ctx.pipeline().remove(this);
        }
    }
}
