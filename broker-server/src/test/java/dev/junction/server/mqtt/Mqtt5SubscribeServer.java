package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The daemon with MQTT and AMQP on ephemeral ports over a data directory that outlives {@link #restart()}, for the
 * MQTT 5 SUBSCRIBE tests; clients made here are closed with it. Every client logs in as guest.
 */
final class Mqtt5SubscribeServer implements AutoCloseable {
    private final Path dataDir;
    private final UnaryOperator<Config> settings;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private JunctionServer server;

    Mqtt5SubscribeServer(Path dataDir, UnaryOperator<Config> settings) throws Exception {
        this.dataDir = dataDir;
        this.settings = settings;
        start();
    }

    private void start() throws Exception {
        server = JunctionServer.start(settings.apply(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.USERS, Map.of("guest", "guest"))
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)));
    }

    /** Closes the daemon and starts it again on the same data directory (clients made so far are closed). */
    void restart() throws Exception {
        closeClients();
        server.close();
        start();
    }

    int port() {
        return server.port(Protocol.MQTT);
    }

    Mqtt5BlockingClient hivemq(String clientId) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(port())
                .simpleAuth().username("guest").password("guest".getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .buildBlocking();
        clients.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        client.connect();
        return client;
    }

    /** A raw MQTT 5 client, connected with {@code properties} in its CONNECT. */
    RawMqttClient raw(String clientId, boolean cleanStart, MqttProperties properties) throws Exception {
        RawMqttClient client = new RawMqttClient(port(), MqttProtocolVersion.MQTT_5);
        clients.add(client);
        client.send(new Connect(MqttProtocolVersion.MQTT_5, cleanStart, 0, clientId, null, "guest",
                "guest".getBytes(StandardCharsets.UTF_8), properties));
        assertEquals(ReasonCode.SUCCESS, client.read(ConnAck.class).reasonCode(), "CONNACK");
        return client;
    }

    RawMqttClient raw(String clientId) throws Exception {
        return raw(clientId, true, MqttProperties.NONE);
    }

    Channel amqp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        Connection connection = factory.newConnection();
        clients.add(() -> {
            if (connection.isOpen()) {
                connection.close(2000);
            }
        });
        return connection.createChannel();
    }

    /** Registers something to close before the daemon stops. */
    <T extends AutoCloseable> T closeLater(T client) {
        clients.add(client);
        return client;
    }

    private void closeClients() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        clients.clear();
    }

    @Override
    public void close() throws Exception {
        try {
            closeClients();
        } finally {
            server.close();
        }
    }
}
