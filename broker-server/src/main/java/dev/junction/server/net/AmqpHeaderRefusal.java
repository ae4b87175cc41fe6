package dev.junction.server.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The AMQP pipeline while no AMQP protocol handler is installed: the broker accepts no protocol header, and AMQP
 * 0-9-1 (section 4.2.2) says a server that rejects the client's header writes a valid protocol header of its own and
 * then closes the socket.
 */
public final class AmqpHeaderRefusal extends ChannelInboundHandlerAdapter {
    private static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private boolean answered;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
        if (!answered) {
            answered = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(PROTOCOL_HEADER)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
