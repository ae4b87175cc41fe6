package dev.junction.server.mqtt;

import dev.junction.core.Broker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;

/** A core broker with the MQTT front end on an ephemeral loopback port, for tests over real sockets. */
final class MqttTestBroker implements AutoCloseable {
    final Broker core = new Broker(2);
    final MqttBroker mqtt;
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;

    MqttTestBroker(MqttSettings settings) throws InterruptedException {
        mqtt = new MqttBroker(core, settings);
        server = new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        mqtt.initPipeline(channel.pipeline());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        mqtt.startSysTopics(loops.next());
    }

    MqttTestBroker() throws InterruptedException {
        this(MqttSettings.DEFAULTS);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    String uri() {
        return "tcp://127.0.0.1:" + port();
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        loops.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).sync();
        mqtt.close();
        core.close();
    }
}
