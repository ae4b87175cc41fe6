package dev.junction.server.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * A protocol handler that closes its connection the protocol's way when the broker ends it, at shutdown or at an
 * operator's request (AMQP: Connection.Close with 320 CONNECTION_FORCED and the reason; MQTT 3.1.1 has no
 * server-side goodbye, so it logs the reason, flushes and closes). Without one in the pipeline, the connection is
 * simply closed.
 */
public interface GracefulClose extends ChannelHandler {
    /**
     * Called once, on the connection's event loop. Must end with the channel closed; at shutdown the broker closes
     * it anyway when {@code shutdown.timeout} runs out.
     *
     * @param reason why, as the log and the client are told
     */
    void closeGracefully(ChannelHandlerContext ctx, CloseReason reason);
}
