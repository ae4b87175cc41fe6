package dev.junction.server.limits;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that has not finished its handshake in time, however few bytes it trickles in; the protocol
 * handler calls {@link #met(ChannelPipeline)} when the handshake is done. Added when the connection is accepted, so
 * the time a TLS handshake takes counts too.
 */
public final class HandshakeDeadline extends ChannelInboundHandlerAdapter {
    private static final String NAME = "handshake-deadline";

    private final Duration timeout;
    private final Limit limit;
    private final Limits limits;
    private ScheduledFuture<?> expiry;

    private HandshakeDeadline(Duration timeout, Limit limit, Limits limits) {
        this.timeout = timeout;
        this.limit = limit;
        this.limits = limits;
    }

    /** Puts the deadline first in {@code pipeline}. */
    public static void add(ChannelPipeline pipeline, Duration timeout, Limit limit, Limits limits) {
        pipeline.addFirst(NAME, new HandshakeDeadline(timeout, limit, limits));
    }

    /** The handshake is done: the deadline no longer applies. */
    public static void met(ChannelPipeline pipeline) {
        if (pipeline.get(NAME) != null) {
            pipeline.remove(NAME);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        expiry = ctx.executor().schedule(() -> {
            limits.forConnection(ctx.channel()).hit(limit, "handshake not done within " + timeout.toMillis() + " ms; closing");
            ctx.close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        expiry.cancel(false);
    }
}
