package dev.junction.server.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * A protocol handler that closes its connection the protocol's way at broker shutdown (AMQP: Connection.Close with
 * 320 CONNECTION_FORCED; MQTT 3.1.1 has no server-side goodbye, so it just flushes and closes). Without one in the
 * pipeline, the connection is simply closed.
 */
public interface GracefulClose extends ChannelHandler {
    /**
     * Called once, on the connection's event loop, when the broker shuts down. Must end with the channel closed; the
     * broker closes it anyway when {@code shutdown.timeout} runs out.
     */
    void closeGracefully(ChannelHandlerContext ctx);
}
