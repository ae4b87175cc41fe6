package dev.junction.server.net;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** One bound server socket and the connections it accepted, which it can close gracefully at shutdown. */
public final class Listener {
    /** Its settings are all it holds (each channel keeps its own sizing state), so one serves every connection. */
    private static final AdaptiveRecvByteBufAllocator SHARED_RECEIVE_SIZING = new AdaptiveRecvByteBufAllocator();

    private final Channel serverChannel;
    private final ChannelGroup connections;

    private Listener(Channel serverChannel, ChannelGroup connections) {
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /** Binds synchronously; a port in use or an address not on this host comes back as the IOException. */
    public static Listener bind(Transport transport, ProtocolListener protocolListener, InetSocketAddress address)
            throws IOException {
        ChannelGroup connections = new DefaultChannelGroup(protocolListener.protocol().name(),
                GlobalEventExecutor.INSTANCE);
        var bound = transport.serverBootstrap(address)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, SHARED_RECEIVE_SIZING)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        connections.add(channel);
                        protocolListener.pipelineInitializer().accept(channel.pipeline());
                    }
                })
                .bind(address)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause.getMessage(), cause);
        }
        return new Listener(bound.channel(), connections);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public void stopAccepting() {
        serverChannel.close().awaitUninterruptibly();
    }

    /** Asks each open connection to close the protocol's way; returns how many were open. */
    public int closeConnectionsGracefully() {
        int open = connections.size();
        for (Channel channel : connections) {
            channel.eventLoop().execute(() -> closeGracefully(channel, CloseReason.SHUTDOWN));
        }
        return open;
    }

    /** The connections open now, as a live read-only view. */
    public Set<Channel> connections() {
        return Collections.unmodifiableSet(connections);
    }

    /** Closes one connection the protocol's way (see {@link GracefulClose}); call it on the channel's event loop. */
    public static void closeGracefully(Channel channel, CloseReason reason) {
        for (Map.Entry<String, ChannelHandler> entry : channel.pipeline()) {
            if (entry.getValue() instanceof GracefulClose graceful) {
                graceful.closeGracefully(channel.pipeline().context(graceful), reason);
                return;
            }
        }
        channel.close();
    }

    /** Waits until every connection is closed or the deadline passes; true when all closed in time. */
    public boolean awaitConnectionsClosed(long deadlineNanos) {
        long remaining = Math.max(0, deadlineNanos - System.nanoTime());
        return connections.newCloseFuture().awaitUninterruptibly(remaining, TimeUnit.NANOSECONDS);
    }

    /** Closes whatever did not close in time; returns how many that was. */
    public int forceCloseConnections() {
        int stragglers = connections.size();
        connections.close().awaitUninterruptibly();
        return stragglers;
    }
}
