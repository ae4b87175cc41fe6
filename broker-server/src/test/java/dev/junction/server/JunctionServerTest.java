package dev.junction.server;

import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.GracefulClose;
import dev.junction.server.net.Protocol;
import dev.junction.server.net.ProtocolListener;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JunctionServerTest {
    @TempDir
    Path dataDir;

    private JunctionServer server;

    private Config ephemeral() throws Exception {
        return Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getByName("127.0.0.1"))
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyListenerAnswersARealSocketTheProtocolsWay() throws Exception {
        server = JunctionServer.start(ephemeral());
        assertTrue(server.isReady());
        assertArrayEquals(Wire.MQTT_CONNACK_ACCEPTED,
                Wire.exchangeUntilClosed(server.port(Protocol.MQTT), Wire.mqttConnectThenDisconnect()));
        // A header for a protocol we do not speak is answered with ours, then the socket is closed.
        assertArrayEquals(Wire.AMQP_091_HEADER,
                Wire.exchangeUntilClosed(server.port(Protocol.AMQP), Wire.AMQP_010_HEADER));
        HttpResponse<String> ready = get("/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("{\"status\":\"ready\"}", ready.body());
        assertEquals(200, get("/health/live").statusCode());
        assertEquals(404, get("/nothing").statusCode());
    }

    @Test
    void realClientsOfBothProtocolsExchangeMessages() throws Exception {
        server = JunctionServer.start(ephemeral());
        RealClients.mqttRoundTrip(server.port(Protocol.MQTT));
        RealClients.amqpRoundTrip(server.port(Protocol.AMQP));
    }

    @Test
    void portZeroDisablesAListener() throws Exception {
        server = JunctionServer.start(ephemeral().with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> server.port(Protocol.AMQP));
        assertEquals("AMQP 0-9-1 listener is not running", e.getMessage());
        assertTrue(server.isReady());
    }

    @Test
    void dataDirectoryIsCreatedAndLockedWithThePid() throws Exception {
        Path nested = dataDir.resolve("a/b");
        server = JunctionServer.start(ephemeral().with(ConfigKeys.DATA_DIR, nested));
        assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(nested.resolve(".lock")));
    }

    @Test
    void secondServerOnTheSameDataDirectoryIsRefused() throws Exception {
        server = JunctionServer.start(ephemeral());
        StartupException e = assertThrows(StartupException.class, () -> JunctionServer.start(ephemeral()));
        assertEquals(StartupException.EXIT_SETUP, e.exitCode());
        assertEquals("data directory " + dataDir.toRealPath() + " is in use by another Junction process (pid "
                + ProcessHandle.current().pid() + "); lock file " + dataDir.toRealPath().resolve(".lock"), e.getMessage());
    }

    @Test
    void dataDirectoryIsFreedAtClose() throws Exception {
        JunctionServer first = JunctionServer.start(ephemeral());
        first.close();
        server = JunctionServer.start(ephemeral());
        assertTrue(server.isReady());
    }

    @Test
    void dataDirThatIsAFileIsRefused() throws Exception {
        Path file = Files.createFile(dataDir.resolve("plain-file"));
        StartupException e = assertThrows(StartupException.class,
                () -> JunctionServer.start(ephemeral().with(ConfigKeys.DATA_DIR, file)));
        assertEquals(StartupException.EXIT_SETUP, e.exitCode());
        assertEquals("data directory " + file + " is not usable: " + file + " exists and is not a directory",
                e.getMessage());
    }

    @Test
    void portInUseIsReportedAndEverythingBoundIsReleased() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            StartupException e = assertThrows(StartupException.class, () -> JunctionServer.start(
                    ephemeral().with(ConfigKeys.AMQP_PORT, ListenPort.fixed(port))));
            assertEquals(StartupException.EXIT_FAILURE, e.exitCode());
            assertEquals("cannot listen for AMQP 0-9-1 on 127.0.0.1:" + port + ": Address already in use",
                    e.getMessage());
        }
        // The failed start let go of the data directory lock.
        server = JunctionServer.start(ephemeral());
        assertTrue(server.isReady());
    }

    @Test
    void shutdownClosesConnectionsTheProtocolsWayThenTheCloseablesInOrder() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ProtocolListener polite = new ProtocolListener(Protocol.AMQP,
                pipeline -> pipeline.addLast(new SaysGoodbye(events)));
        server = JunctionServer.start(ephemeral(), List.of(polite),
                List.of(() -> events.add("core"), () -> events.add("store")));
        try (Socket client = new Socket("127.0.0.1", server.port(Protocol.AMQP))) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write('x');
            InputStream in = client.getInputStream();
            assertEquals('!', in.read(), "connection is established and served");
            server.close();
            assertEquals("bye", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals(List.of("goodbye", "core", "store"), events);
        assertFalse(server.isReady());
        assertThrows(java.io.IOException.class, () -> new Socket("127.0.0.1", server.port(Protocol.AMQP)).close(),
                "no longer accepting");
    }

    /** A protocol handler stand-in with a real goodbye: answers "!" to input, and "bye" at shutdown. */
    private static final class SaysGoodbye extends ChannelInboundHandlerAdapter implements GracefulClose {
        private final List<String> events;

        SaysGoodbye(List<String> events) {
            this.events = events;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'!'}));
        }

        @Override
        public void closeGracefully(ChannelHandlerContext ctx) {
            events.add("goodbye");
            ctx.writeAndFlush(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        InetSocketAddress http = server.address(Protocol.HTTP);
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
