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
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The event loops every listener shares: native epoll where the platform has it, else NIO. */
public final class Transport {
    private final String name;
    private final Class<? extends ServerChannel> serverChannelClass;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    private Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannelClass) {
        this.name = name;
        this.serverChannelClass = serverChannelClass;
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("junction-accept"), ioHandlers);
        this.workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("junction-io"), ioHandlers);
    }

    public static Transport create() {
        return Epoll.isAvailable()
                ? new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class)
                : new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }

    public String name() {
        return name;
    }

    ServerBootstrap serverBootstrap() {
        return new ServerBootstrap().group(boss, workers).channel(serverChannelClass);
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
