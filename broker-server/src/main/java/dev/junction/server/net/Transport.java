package dev.junction.server.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The event loops every listener shares: native epoll where the platform has it, else NIO. */
public final class Transport {
    private final String name;
    private final Function<SocketProtocolFamily, ServerChannel> serverChannels;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    private Transport(String name, IoHandlerFactory ioHandlers,
                      Function<SocketProtocolFamily, ServerChannel> serverChannels) {
        this.name = name;
        this.serverChannels = serverChannels;
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("junction-accept"), ioHandlers);
        this.workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("junction-io"), ioHandlers);
    }

    public static Transport create() {
        return Epoll.isAvailable()
                ? new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel::new)
                : new Transport("nio", NioIoHandler.newFactory(),
                        family -> new NioServerSocketChannel(SelectorProvider.provider(), family));
    }

    public String name() {
        return name;
    }

    /**
     * For a server socket of {@code address}'s family: an IPv4 address, the wildcard {@code 0.0.0.0} included, gets
     * an IPv4 socket, because on the platform's default dual-stack IPv6 socket {@code 0.0.0.0} accepts IPv6 clients
     * too; {@code ::} gets an IPv6 socket, which also accepts IPv4 where the OS allows it (Linux by default).
     */
    ServerBootstrap serverBootstrap(InetSocketAddress address) {
        SocketProtocolFamily family = address.getAddress() instanceof Inet6Address
                ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        return new ServerBootstrap().group(boss, workers).channelFactory(() -> serverChannels.apply(family));
    }

    /**
     * Waits, at most until {@code deadlineNanos}, until every connection event loop has run what was queued on it
     * before this call. A closed channel's close future completes before its {@code channelInactive} runs (Netty
     * queues that); at shutdown the handlers' last work (an MQTT will, a session going offline) must reach the core
     * before the core stops.
     */
    public void awaitQueuedWork(long deadlineNanos) {
        List<Future<?>> barriers = new ArrayList<>();
        for (EventExecutor loop : workers) {
            barriers.add(loop.submit(() -> { }));
        }
        for (Future<?> barrier : barriers) {
            barrier.awaitUninterruptibly(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** Stops the event loops, waiting at most {@code timeout} for their threads to finish. */
    public void shutdown(Duration timeout) {
        boss.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + timeout.toNanos();
        boss.terminationFuture().awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        workers.terminationFuture().awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
