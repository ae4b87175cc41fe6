package dev.junction.server;

import dev.junction.server.auth.UserRegistry;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.CloseReason;
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

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    /** Issue #15: the data directory holds password hashes and every message; a 0022 umask must not expose them. */
    @Test
    void dataDirectoryAndEverythingInItAreTheOwnersOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
        Path fresh = dataDir.resolve("fresh/data");
        server = JunctionServer.start(ephemeral().with(ConfigKeys.DATA_DIR, fresh));
        RealClients.amqpRoundTrip(server.port(Protocol.AMQP));
        List<Path> created;
        try (Stream<Path> tree = Files.walk(dataDir.resolve("fresh"))) {
            created = tree.toList();
        }
        assertTrue(created.stream().filter(Files::isRegularFile).count() >= 2, "the lock and a segment: " + created);
        for (Path path : created) {
            assertEquals(Files.isDirectory(path) ? "rwx------" : "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(path)), path.toString());
        }
    }

    /** Issue #15: a start refused over its configuration leaves no users (nor anything else) behind. */
    @Test
    void aStartRefusedOverItsConfigurationWritesNothingToTheDataDirectory() throws Exception {
        Path fresh = dataDir.resolve("data");
        StartupException e = assertThrows(StartupException.class, () -> JunctionServer.start(ephemeral()
                .with(ConfigKeys.DATA_DIR, fresh)
                .with(ConfigKeys.USERS, Map.of("admin", "first-try"))
                .with(ConfigKeys.TLS_CERT_FILE, Optional.of(dataDir.resolve("missing.pem")))
                .with(ConfigKeys.TLS_KEY_FILE, Optional.of(dataDir.resolve("missing.key")))));
        assertEquals(StartupException.EXIT_SETUP, e.exitCode());
        assertFalse(Files.exists(fresh), "the data directory was created by a refused start");
    }

    /** Issue #15: a broker listening nowhere is a configuration mistake, refused like any other. */
    @Test
    void everyListenerOffIsRefused() throws Exception {
        Path fresh = dataDir.resolve("data");
        StartupException e = assertThrows(StartupException.class, () -> JunctionServer.start(ephemeral()
                .with(ConfigKeys.DATA_DIR, fresh)
                .with(ConfigKeys.MQTT_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)));
        assertEquals(StartupException.EXIT_SETUP, e.exitCode());
        assertEquals("no listener is enabled: mqtt.port, mqtt.ws.port, amqp.port, http.port are all 0; set at least"
                + " one to a port", e.getMessage());
        assertFalse(Files.exists(fresh));
    }

    /** Issue #15: the users setting only seeds an empty store, and the log says so when it does not apply. */
    @Test
    void aUsersSettingTheStoreOverridesIsLoggedAsIgnored() throws Exception {
        JunctionServer.start(ephemeral().with(ConfigKeys.USERS, Map.of("guest", "guest"))).close();
        try (CapturedLog log = CapturedLog.of(UserRegistry.class)) {
            server = JunctionServer.start(ephemeral().with(ConfigKeys.USERS, Map.of("admin", "s3cret")));
            assertTrue(log.lines().contains("INFO The users setting [admin] is ignored: the user store already"
                    + " holds the users [guest]. Change users with junction-ctl (add-user, change-password,"
                    + " delete-user) or the management API (/api/users)"), log.lines().toString());
        }
    }

    /** Issue #15: {@code bind = 0.0.0.0} is every IPv4 address and no IPv6 one; {@code ::} is both. */
    @Test
    void theIpv4WildcardListensOnIpv4Only() throws Exception {
        assertEquals(List.of("IPv4"), reachedOverLoopback("0.0.0.0"));
    }

    @Test
    void theIpv6WildcardListensOnBoth() throws Exception {
        assertEquals(List.of("IPv4", "IPv6"), reachedOverLoopback("::"));
    }

    /** Which of the two loopback addresses reach the MQTT listener of a server bound to {@code bind}. */
    private List<String> reachedOverLoopback(String bind) throws Exception {
        assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback here");
        server = JunctionServer.start(ephemeral().with(ConfigKeys.BIND, InetAddress.getByName(bind)));
        int port = server.port(Protocol.MQTT);
        List<String> reached = new ArrayList<>();
        if (accepts(InetAddress.getByName("127.0.0.1"), port)) {
            reached.add("IPv4");
        }
        if (accepts(InetAddress.getByName("::1"), port)) {
            reached.add("IPv6");
        }
        return reached;
    }

    private static boolean ipv6LoopbackWorks() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return probe.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 10_000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    /** Issue #15: a refused anonymous MQTT client was logged as user 'null'. */
    @Test
    void aRefusedAnonymousMqttClientIsLoggedAsAnonymous() throws Exception {
        Optional<InetAddress> external = nonLoopbackAddress();
        assumeTrue(external.isPresent(), "no non-loopback address to connect from: anonymous is allowed on loopback");
        server = JunctionServer.start(ephemeral().with(ConfigKeys.BIND, InetAddress.getByName(
                external.get() instanceof Inet6Address ? "::" : "0.0.0.0")));
        try (CapturedLog log = CapturedLog.of("dev.junction.server.mqtt.MqttConnection");
             Socket device = new Socket(external.get(), server.port(Protocol.MQTT))) {
            device.setSoTimeout(30_000);
            // CONNECT, MQTT 3.1.1, clean session, keep alive 0, client id "anon", no user name.
            device.getOutputStream().write(new byte[] {0x10, 16, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 0, 0, 4,
                    'a', 'n', 'o', 'n'});
            assertArrayEquals(new byte[] {0x20, 2, 0, 5}, device.getInputStream().readNBytes(4), "CONNACK 5");
            String line = log.awaitLine("Client 'anon' at");
            assertTrue(line.endsWith("(anonymous) refused: anonymous clients are not allowed"), line);
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        List<InetAddress> candidates = new ArrayList<>();
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (network.isUp() && !network.isLoopback()) {
                Collections.list(network.getInetAddresses()).stream()
                        .filter(address -> !address.isLinkLocalAddress() && !address.isLoopbackAddress())
                        .forEach(candidates::add);
            }
        }
        return candidates.stream().min(Comparator.comparing(address -> address instanceof Inet6Address));
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
        assertEquals(List.of("goodbye (shutdown)", "core", "store"), events);
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
        public void closeGracefully(ChannelHandlerContext ctx, CloseReason reason) {
            events.add("goodbye (" + reason.text() + ")");
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
