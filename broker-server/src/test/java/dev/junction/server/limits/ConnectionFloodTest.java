package dev.junction.server.limits;

import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that open thousands of raw sockets (client and server ends both in this JVM, well under its descriptor
 * cap): every socket over {@code limits.max_connections} or {@code limits.max_connections_per_address} is closed on
 * accept, the refusals are counted exactly in {@code /metrics}, and a well-behaved client is still served. Sources
 * are spread over several 127/8 addresses, which all reach loopback.
 */
class ConnectionFloodTest {
    private static final long CLOSE_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);

    @TempDir
    Path dataDir;
    private JunctionServer server;
    private final List<SocketChannel> flood = new ArrayList<>();
    private final List<MqttClient> clients = new ArrayList<>();

    private Config config() throws Exception {
        return Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getByName("127.0.0.1"))
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                // Silent sockets stay open for the whole test: only the limits close anything.
                .with(ConfigKeys.MQTT_CONNECT_TIMEOUT, 60)
                .with(ConfigKeys.AMQP_HANDSHAKE_TIMEOUT, 60)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5);
    }

    @AfterEach
    void stop() throws Exception {
        for (SocketChannel socket : flood) {
            socket.close();
        }
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnectForcibly(1000);
            }
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** {@code perAddress} silent sockets from each of {@code addresses} sources, MQTT and AMQP in turn. */
    private void flood(int addresses, int perAddress) throws IOException {
        for (int a = 1; a <= addresses; a++) {
            InetSocketAddress from = new InetSocketAddress("127.1.0." + a, 0);
            for (int i = 0; i < perAddress; i++) {
                Protocol protocol = i % 2 == 0 ? Protocol.MQTT : Protocol.AMQP;
                SocketChannel socket = SocketChannel.open();
                flood.add(socket);
                socket.bind(from);
                socket.connect(new InetSocketAddress("127.0.0.1", server.port(protocol)));
            }
        }
    }

    /** How many flood sockets the server closes, waiting until {@code expected} are or the deadline passes. */
    private int closedByServer(int expected) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        int closed = 0;
        try (Selector selector = Selector.open()) {
            for (SocketChannel socket : flood) {
                socket.configureBlocking(false);
                socket.register(selector, SelectionKey.OP_READ);
            }
            long deadline = System.nanoTime() + CLOSE_DEADLINE_NANOS;
            while (closed < expected && System.nanoTime() < deadline) {
                selector.select(100);
                for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (readsEndOfStream((SocketChannel) key.channel(), buffer)) {
                        key.cancel();
                        closed++;
                    }
                }
            }
        }
        return closed;
    }

    private static boolean readsEndOfStream(SocketChannel socket, ByteBuffer buffer) {
        buffer.clear();
        try {
            return socket.read(buffer) < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    private String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port(Protocol.HTTP) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private long metric(String name, String label, String value) throws Exception {
        Matcher matcher = Pattern.compile(Pattern.quote(name) + "\\{" + label + "=\"" + Pattern.quote(value)
                + "\"} ([0-9.]+)").matcher(metrics());
        assertTrue(matcher.find(), "no " + name + "{" + label + "=" + value + "} in /metrics");
        return (long) Double.parseDouble(matcher.group(1));
    }

    private MqttClient connectedClient(String clientId) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + server.port(Protocol.MQTT), clientId,
                new MemoryPersistence());
        clients.add(client);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        options.setConnectionTimeout(5);
        client.connect(options);
        return client;
    }

    /** A publish that comes back through the broker to the same client. */
    private static void assertServed(MqttClient client) throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        client.subscribe("flood/echo", 1, (topic, message) -> echoed.complete(new String(message.getPayload())));
        client.publish("flood/echo", "still here".getBytes(), 1, false);
        assertEquals("still here", echoed.get(5, TimeUnit.SECONDS));
    }

    @Test
    void socketsOverThePerAddressLimitAreClosedAndOthersAreServed() throws Exception {
        int addresses = 5;
        int perAddress = 700;
        int allowed = 500;
        server = JunctionServer.start(config().with(ConfigKeys.LIMITS_MAX_CONNECTIONS_PER_ADDRESS, allowed));
        long started = System.nanoTime();
        flood(addresses, perAddress);
        int refused = addresses * (perAddress - allowed);

        assertEquals(refused, closedByServer(refused));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "the flood took too long");
        assertEquals(refused, metric("junction_limit_hits_total", "limit", "limits.max_connections_per_address"));
        assertServed(connectedClient("bystander"));
        // Which protocol's sockets were refused depends on the order the two listeners accepted them.
        assertEquals(addresses * allowed + 1, metric("junction_connections", "protocol", "mqtt")
                + metric("junction_connections", "protocol", "amqp"));
    }

    @Test
    void socketsOverTheTotalLimitAreClosedAndAClientConnectedBeforeIsServed() throws Exception {
        int max = 1500;
        int addresses = 5;
        int perAddress = 500;
        server = JunctionServer.start(config().with(ConfigKeys.LIMITS_MAX_CONNECTIONS, max));
        MqttClient bystander = connectedClient("bystander");
        flood(addresses, perAddress);
        int refused = addresses * perAddress - (max - 1);

        assertEquals(refused, closedByServer(refused));
        assertEquals(refused, metric("junction_limit_hits_total", "limit", "limits.max_connections"));
        assertServed(bystander);
        assertEquals(max, metric("junction_connections", "protocol", "mqtt")
                + metric("junction_connections", "protocol", "amqp"));
    }
}
