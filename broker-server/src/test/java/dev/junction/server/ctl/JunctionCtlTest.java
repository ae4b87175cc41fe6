package dev.junction.server.ctl;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.junction.server.JunctionServer;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** junction-ctl run in-process, as an operator would run it, against a whole broker on ephemeral ports. */
class JunctionCtlTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path files;

    private JunctionServer server;
    private Connection amqp;

    private record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = JunctionServer.start(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getByName("127.0.0.1"))
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.AUTH_HASH_ITERATIONS, TestLogins.ITERATIONS)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        amqp = factory.newConnection();
    }

    @AfterEach
    void stop() throws Exception {
        if (amqp.isOpen()) {
            amqp.close();
        }
        server.close();
    }

    private Run ctl(String... args) {
        List<String> all = new ArrayList<>(List.of("--url", "http://127.0.0.1:" + server.port(Protocol.HTTP)));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private static Run run(String... args) {
        CommandLine commandLine = JunctionCtl.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void statusShowsVersionListenersAndTotals() throws Exception {
        Channel channel = amqp.createChannel();
        channel.queueDeclare("status-q", false, false, false, null);
        Run status = ctl("status");
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.lines().get(0).startsWith("Junction "), status.out());
        assertTrue(status.lines().contains("listener\tamqp\t127.0.0.1:" + server.port(Protocol.AMQP)), status.out());
        assertTrue(status.lines().contains("queues\t1"), status.out());
        assertTrue(status.lines().contains("connections\t1"), status.out());
    }

    @Test
    void listsQueuesExchangesUsersAndConnections() throws Exception {
        Channel channel = amqp.createChannel();
        channel.queueDeclare("listed", true, false, false, null);
        channel.exchangeDeclare("listed-x", "fanout");

        Run queues = ctl("list", "queues");
        assertEquals(0, queues.exitCode(), queues.err());
        assertEquals("vhost\tname\tmessages\tmessages_ready\tmessages_unacknowledged\tconsumers\tdurable\t"
                + "auto_delete\texclusive", queues.lines().get(0));
        assertTrue(queues.lines().contains("/\tlisted\t0\t0\t0\t0\ttrue\tfalse\tfalse"), queues.out());

        Run exchanges = ctl("list", "exchanges");
        assertTrue(exchanges.lines().contains("/\tlisted-x\tfanout\tfalse\tfalse\tfalse"), exchanges.out());

        Run users = ctl("list", "users");
        assertEquals(List.of("name\ttags", "guest\tadministrator"), users.lines());

        Run connections = ctl("list", "CONNECTIONS");
        assertEquals(2, connections.lines().size(), connections.out());
        assertTrue(connections.lines().get(1).contains("\tAMQP 0-9-1\t127.0.0.1\t"), connections.out());

        try (Socket device = new Socket(InetAddress.getLoopbackAddress(), server.port(Protocol.MQTT))) {
            // CONNECT, MQTT 3.1.1, clean session 0, keep alive 0, client id "listed-device"; then its CONNACK.
            byte[] clientId = "listed-device".getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream connect = new ByteArrayOutputStream();
            connect.writeBytes(new byte[] {0x10, (byte) (12 + clientId.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 0, 0, 0,
                    0, (byte) clientId.length});
            connect.writeBytes(clientId);
            device.getOutputStream().write(connect.toByteArray());
            assertEquals(0x20, device.getInputStream().read(), "CONNACK");
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                Run sessions = ctl("list", "sessions");
                assertEquals("client_id\tclean_session\tconnected\tmessages_queued\tmessages_in_flight\tuser\t"
                        + "last_connected", sessions.lines().get(0));
                assertTrue(sessions.lines().stream()
                        .anyMatch(line -> line.startsWith("listed-device\tfalse\ttrue\t0\t0\t")), sessions.out());
            });
        }
    }

    @Test
    void managesUsersAndPermissionsLikeRabbitmqctl() throws Exception {
        Run added = ctl("add-user", "alice", "first", "--tags", "monitoring");
        assertEquals(0, added.exitCode(), added.err());
        assertEquals("added user alice", added.out().strip());
        Run again = ctl("add-user", "alice", "other");
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("user 'alice' already exists"), again.err());

        assertEquals(0, ctl("set-permissions", "--vhost", "/", "alice", "^alice-.*", ".*", "").exitCode());
        assertEquals(List.of("vhost\tuser\tconfigure\twrite\tread", "/\talice\t^alice-.*\t.*\t",
                "/\tguest\t.*\t.*\t.*"), ctl("list", "permissions").lines());

        // alice logs in with her own password, and the CLI works under her name for reads.
        assertEquals(0, run("--url", "http://127.0.0.1:" + server.port(Protocol.HTTP), "--user", "alice",
                "--password", "first", "list", "queues").exitCode());
        assertEquals(0, ctl("change-password", "alice", "second").exitCode());
        assertEquals(4, run("--url", "http://127.0.0.1:" + server.port(Protocol.HTTP), "--user", "alice",
                "--password", "first", "list", "queues").exitCode());
        // monitoring may read but not change anything.
        Run refused = run("--url", "http://127.0.0.1:" + server.port(Protocol.HTTP), "--user", "alice",
                "--password", "second", "delete-user", "guest");
        assertEquals(4, refused.exitCode(), refused.err());

        assertEquals(0, ctl("set-user-tags", "alice", "administrator", "ops").exitCode());
        assertEquals(List.of("name\ttags", "alice\tadministrator,ops", "guest\tadministrator"),
                ctl("list", "users").lines());
        // Tags changed, password kept.
        assertEquals(0, run("--url", "http://127.0.0.1:" + server.port(Protocol.HTTP), "--user", "alice",
                "--password", "second", "list", "users").exitCode());

        assertEquals(0, ctl("clear-permissions", "alice").exitCode());
        assertEquals(5, ctl("clear-permissions", "alice").exitCode());
        assertEquals(0, ctl("delete-user", "alice").exitCode());
        assertEquals(List.of("name\ttags", "guest\tadministrator"), ctl("list", "users").lines());
        assertEquals(5, ctl("delete-user", "alice").exitCode());
    }

    @Test
    void closesAConnectionByName() {
        Run connections = ctl("list", "connections");
        String name = connections.lines().get(1).split("\t")[0];
        Run close = ctl("close", "connection", name);
        assertEquals(0, close.exitCode(), close.err());
        assertEquals("closed connection " + name, close.out().strip());
        await().atMost(5, TimeUnit.SECONDS).until(() -> !amqp.isOpen());

        Run again = ctl("close", "connection", name);
        assertEquals(5, again.exitCode());
        assertTrue(again.err().contains("not found (404): no connection '" + name + "'"), again.err());
    }

    @Test
    void exportsAndImportsDefinitions() throws Exception {
        Channel channel = amqp.createChannel();
        channel.exchangeDeclare("backup-x", "topic", true);
        channel.queueDeclare("backup-q", true, false, false, null);
        channel.queueBind("backup-q", "backup-x", "a.*");
        Path file = files.resolve("definitions.json");

        Run export = ctl("export", file.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(Files.readString(file).contains("\"backup-q\""));

        channel.queueDelete("backup-q");
        channel.exchangeDelete("backup-x");
        Run imported = ctl("import", file.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        channel.queueDeclarePassive("backup-q");
        channel.exchangeDeclarePassive("backup-x");

        Path bad = files.resolve("bad.json");
        Files.writeString(bad, "{\"queues\": 7}");
        Run refused = ctl("import", bad.toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("(400): 'queues' must be a JSON array"), refused.err());

        Run missing = ctl("import", files.resolve("absent.json").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void wrongPasswordIs401() {
        Run refused = ctl("--password", "wrong", "status");
        assertEquals(4, refused.exitCode());
        assertTrue(refused.err().contains("login refused for user 'guest' (401)"), refused.err());
    }

    @Test
    void unreachableBrokerIsNamed() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        Run unreachable = run("--url", "http://127.0.0.1:" + closedPort, "status");
        assertEquals(3, unreachable.exitCode());
        assertTrue(unreachable.err().contains("cannot reach the management API at http://127.0.0.1:" + closedPort),
                unreachable.err());
    }

    @Test
    void unknownCommandsAndObjectsAreUsageErrors() {
        assertEquals(2, ctl("list", "teapots").exitCode());
        assertEquals(2, ctl("frobnicate").exitCode());
        assertEquals(2, ctl("close", "connection").exitCode());
    }
}
