package dev.junction.server.ctl;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.junction.server.CapturedLog;
import dev.junction.server.JunctionServer;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
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
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private static Config brokerConfig(Path dataDir) throws Exception {
        return Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getByName("127.0.0.1"))
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.AUTH_HASH_ITERATIONS, TestLogins.ITERATIONS)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5);
    }

    @BeforeEach
    void start() throws Exception {
        server = JunctionServer.start(brokerConfig(dataDir));
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
        return run(JunctionCtl.commandLine(), args);
    }

    /** With these environment variables only, and this prompt standing in for the terminal. */
    private static Run run(Map<String, String> environment, PasswordPrompt prompt, String... args) {
        return run(JunctionCtl.commandLine(environment::get, prompt), args);
    }

    private static Run run(CommandLine commandLine, String... args) {
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
        assertEquals("name\tprotocol\tuser\tpeer_host\tpeer_port\tstate", connections.lines().get(0));
        assertTrue(connections.lines().get(1).contains("\tAMQP 0-9-1\tguest\t127.0.0.1\t"), connections.out());

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
                // Anonymous (from loopback): no user, shown as -, never as null.
                assertTrue(sessions.lines().stream()
                        .anyMatch(line -> line.startsWith("listed-device\tfalse\ttrue\t0\t0\t-\t")), sessions.out());
                assertFalse(sessions.out().contains("null"), sessions.out());
            });
            Run withDevice = ctl("list", "connections");
            assertTrue(withDevice.lines().stream().anyMatch(line -> line.contains("\tMQTT 3.1.1/5.0\t-\t127.0.0.1\t")),
                    withDevice.out());
        }
    }

    @Test
    void setsListsAndClearsPoliciesLikeRabbitmqctl() throws Exception {
        Run set = ctl("set-policy", "--priority", "2", "--apply-to", "queues", "bounded", "^orders",
                "{\"max-length\":5,\"overflow\":\"reject-publish\"}");
        assertEquals(0, set.exitCode(), set.err());
        assertEquals(List.of("vhost\tname\tpattern\tapply-to\tpriority\tdefinition",
                "/\tbounded\t^orders\tqueues\t2\t{\"max-length\":5,\"overflow\":\"reject-publish\"}"),
                ctl("list", "policies").lines());
        Run refused = ctl("set-policy", "ttl", ".*", "{\"message-ttl\":1000}");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("message-ttl"), refused.err());
        assertEquals(2, ctl("set-policy", "bad", ".*", "[1]").exitCode());
        assertEquals(0, ctl("clear-policy", "bounded").exitCode());
        assertEquals(5, ctl("clear-policy", "bounded").exitCode());
        assertEquals(List.of("vhost\tname\tpattern\tapply-to\tpriority\tdefinition"), ctl("list", "policies").lines());
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
        try (CapturedLog log = CapturedLog.of("dev.junction.server.amqp.AmqpConnection")) {
            Run close = ctl("close", "connection", name);
            assertEquals(0, close.exitCode(), close.err());
            assertEquals("closed connection " + name, close.out().strip());
            await().atMost(20, TimeUnit.SECONDS).until(() -> !amqp.isOpen());
            // Issue #15: who closed it, in the log and to the client; not "shutdown".
            log.awaitLine("(user 'guest'): closed by user 'guest' through the management API; closing");
        }
        assertEquals("CONNECTION_FORCED - broker forced connection closure with reason 'closed by user 'guest'"
                + " through the management API'", ((AMQP.Connection.Close) amqp.getCloseReason().getReason())
                .getReplyText());

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
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            // Issue #15: it holds password hashes.
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        // Issue #15: a file problem is a usage error (2), as for import.
        Path nowhere = files.resolve("missing-folder/definitions.json");
        Run notWritten = ctl("export", nowhere.toString());
        assertEquals(2, notWritten.exitCode(), notWritten.err());
        assertEquals("junction-ctl: cannot write " + nowhere + ": no such directory " + nowhere.getParent(),
                notWritten.err().strip());

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

    /**
     * Issue #15: export then import always works, on the same broker and on a fresh one, and back; persistent MQTT
     * sessions (their queues hold the bound the broker gave them) and numeric queue arguments included.
     */
    @Test
    void definitionsRoundTripOnTheSameBrokerAndAFreshOneWithPersistentMqttSessions() throws Exception {
        Channel channel = amqp.createChannel();
        channel.queueDeclare("bounded-q", true, false, false, Map.of("x-max-length", 10, "x-message-ttl", 60_000L));
        MqttClient offline = persistentSession(server, "offline-device", "sensors/+/temperature");
        offline.disconnect();
        offline.close();
        MqttClient online = persistentSession(server, "online-device", "alerts/#");
        try {
            Path exported = files.resolve("definitions.json");
            assertEquals(0, ctl("export", exported.toString()).exitCode());
            assertTrue(Files.readString(exported).contains("mqtt-subscription-offline-device"));
            Run same = ctl("import", exported.toString());
            assertEquals(0, same.exitCode(), same.err());

            try (JunctionServer fresh = JunctionServer.start(brokerConfig(files.resolve("fresh-data")))) {
                String freshUrl = "http://127.0.0.1:" + fresh.port(Protocol.HTTP);
                Run imported = run("--url", freshUrl, "import", exported.toString());
                assertEquals(0, imported.exitCode(), imported.err());
                Path back = files.resolve("back.json");
                assertEquals(0, run("--url", freshUrl, "export", back.toString()).exitCode());
                Run again = ctl("import", back.toString());
                assertEquals(0, again.exitCode(), again.err());
                Run twice = run("--url", freshUrl, "import", back.toString());
                assertEquals(0, twice.exitCode(), twice.err());
                assertTrue(run("--url", freshUrl, "list", "queues").lines()
                        .contains("/\tmqtt-subscription-offline-device\t0\t0\t0\t0\ttrue\tfalse\tfalse"));
                // The imported subscription routes with its granted QoS, and the device that comes back gets it.
                MqttClient publisher = persistentSession(fresh, "publisher", "unrelated/topic");
                publisher.publish("sensors/kitchen/temperature", "21".getBytes(StandardCharsets.UTF_8), 1, false);
                publisher.disconnect();
                publisher.close();
                BlockingQueue<String> received = new LinkedBlockingQueue<>();
                MqttClient device = new MqttClient("tcp://127.0.0.1:" + fresh.port(Protocol.MQTT), "offline-device",
                        new MemoryPersistence());
                device.setCallback(new MqttCallback() {
                    @Override
                    public void connectionLost(Throwable cause) {
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage message) {
                        received.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8));
                    }

                    @Override
                    public void deliveryComplete(IMqttDeliveryToken token) {
                    }
                });
                MqttConnectOptions options = new MqttConnectOptions();
                options.setCleanSession(false);
                options.setUserName("guest");
                options.setPassword("guest".toCharArray());
                device.connect(options);
                try {
                    assertEquals("sensors/kitchen/temperature=21", received.poll(20, TimeUnit.SECONDS));
                } finally {
                    device.disconnect();
                    device.close();
                }
            }
        } finally {
            online.disconnect();
            online.close();
        }
    }

    private static MqttClient persistentSession(JunctionServer broker, String clientId, String filter)
            throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port(Protocol.MQTT), clientId,
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        client.connect(options);
        client.subscribe(filter, 1);
        return client;
    }

    /** Issue #15: it printed nothing. */
    @Test
    void versionIsPrinted() {
        Run version = run("--version");
        assertEquals(0, version.exitCode(), version.err());
        assertTrue(version.out().matches("junction-ctl \\S+.*\n"), version.out());
    }

    /**
     * Issue #15: the password from a file, the environment or a prompt rather than only a flag (which every user of
     * the host sees in the process list), and the URL and user from the environment.
     */
    @Test
    void passwordComesFromAFileTheEnvironmentOrAPromptAndTheUrlFromTheEnvironment() throws Exception {
        assertEquals(0, ctl("add-user", "ops", "ops-secret", "--tags", "administrator").exitCode());
        String url = "http://127.0.0.1:" + server.port(Protocol.HTTP);
        PasswordPrompt noTerminal = user -> null;

        Path passwordFile = files.resolve("password");
        Files.writeString(passwordFile, "ops-secret\n");
        Run fromFile = run(Map.of(), noTerminal, "--url", url, "--user", "ops", "--password-file",
                passwordFile.toString(), "list", "users");
        assertEquals(0, fromFile.exitCode(), fromFile.err());

        Run fromEnvironment = run(Map.of("JUNCTION_URL", url, "JUNCTION_USER", "ops", "JUNCTION_PASSWORD", "ops-secret"),
                noTerminal, "list", "users");
        assertEquals(0, fromEnvironment.exitCode(), fromEnvironment.err());
        Run wrongInEnvironment = run(Map.of("JUNCTION_URL", url, "JUNCTION_PASSWORD", "wrong"), noTerminal,
                "--user", "ops", "status");
        assertEquals(4, wrongInEnvironment.exitCode(), wrongInEnvironment.err());

        List<String> asked = new ArrayList<>();
        Run prompted = run(Map.of("JUNCTION_URL", url), user -> {
            asked.add(user);
            return "ops-secret".toCharArray();
        }, "--user", "ops", "status");
        assertEquals(0, prompted.exitCode(), prompted.err());
        assertEquals(List.of("ops"), asked);

        Run nowhere = run(Map.of("JUNCTION_URL", url), noTerminal, "--user", "ops", "status");
        assertEquals(2, nowhere.exitCode());
        assertEquals("junction-ctl: no password for user 'ops': give --password-file FILE or set JUNCTION_PASSWORD"
                + " (no terminal to ask on)", nowhere.err().strip());
        Run missingFile = run(Map.of("JUNCTION_URL", url), noTerminal, "--user", "ops", "--password-file",
                files.resolve("absent").toString(), "status");
        assertEquals(2, missingFile.exitCode(), missingFile.err());
        // guest keeps its default password without any of them, as the broker seeds it.
        assertEquals(0, run(Map.of("JUNCTION_URL", url), noTerminal, "status").exitCode());
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
