package dev.junction.server.cross;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.junction.server.JunctionServer;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole daemon for a test class, MQTT and AMQP on ephemeral loopback ports, with Paho, HiveMQ and RabbitMQ
 * clients that are closed after each test.
 */
final class CrossProtocolBroker implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
    /**
     * Paho's in-flight window, as large as MQTT packet ids allow. Paho wakes a synchronous publisher as soon as
     * its PUBACK is read but frees the window slot later, on its callback thread (eclipse-paho/paho.mqtt.java#551):
     * on a loaded machine a publisher that publishes one message at a time outran that thread by the default
     * window of 10 and was refused with "Too many publishes in progress (32202)" while nothing was in flight.
     */
    private static final int PAHO_MAX_INFLIGHT = 65_535;

    private final UnaryOperator<Config> settings;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private Path dataDir;
    private JunctionServer server;

    CrossProtocolBroker(UnaryOperator<Config> settings) {
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("junction-cross-test");
        server = JunctionServer.start(settings.apply(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.AUTH_HASH_ITERATIONS, TestLogins.ITERATIONS)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5)));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        clients.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** A connected Paho client whose messages go to {@code inbox}. */
    org.eclipse.paho.client.mqttv3.MqttClient paho(String clientId, boolean cleanSession, MqttInbox inbox)
            throws Exception {
        var client = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + server.port(Protocol.MQTT), clientId, new MemoryPersistence());
        client.setCallback(inbox);
        client.setManualAcks(inbox.manualAcks());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setConnectionTimeout(5);
        options.setAutomaticReconnect(false);
        options.setMaxInflight(PAHO_MAX_INFLIGHT);
        client.connect(options);
        clients.add(() -> {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close(true);
        });
        return client;
    }

    /** A HiveMQ client (MQTT 3.1.1), not yet connected. */
    Mqtt3BlockingClient hive(String clientId) {
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(server.port(Protocol.MQTT)).buildBlocking();
        clients.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    /** A GET of the management API as guest, expecting 200. */
    JsonNode management(String path) throws Exception {
        return new ObjectMapper().readTree(management("GET", path, 200));
    }

    /** A management API request as guest, expecting {@code status}; returns the body. */
    String management(String method, String path, int status) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port(Protocol.HTTP) + path))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), () -> method + " " + path + ": " + response.body());
        return response.body();
    }

    /** A channel of a new RabbitMQ client connection. */
    Channel amqp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        factory.setConnectionTimeout(5_000);
        Connection connection = factory.newConnection();
        clients.add(() -> {
            if (connection.isOpen()) {
                connection.close(2000);
            }
        });
        return connection.createChannel();
    }
}
