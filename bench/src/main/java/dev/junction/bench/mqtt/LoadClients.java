package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.MqttDecoder;
import dev.junction.mqtt.codec.MqttEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Opens {@link LoadClient} connections to one broker on a shared set of event loops (epoll where available). */
final class LoadClients implements AutoCloseable {
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    LoadClients(InetSocketAddress broker, int threads) {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .remoteAddress(broker);
    }

    /** Connects and completes with the client once the broker accepted its CONNECT. */
    CompletableFuture<LoadClient> connect(LoadClient client) {
        ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(new MqttDecoder(), MqttEncoder.INSTANCE, client);
            }
        }).connect();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                client.connected().completeExceptionally(f.cause());
            }
        });
        return client.connected().thenApply(ignored -> client);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
