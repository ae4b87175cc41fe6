package dev.junction.server.amqp;

import dev.junction.server.limits.Limits;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.junction.core.Broker;
import dev.junction.server.JunctionServer;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.auth.PermissionLookup;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real broker for a test class: the routing core and the daemon with the AMQP listener on an ephemeral
 * loopback port, and RabbitMQ Java client connections to it that are closed after each test.
 */
public final class AmqpBrokerExtension implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
    private final AmqpSettings settings;
    private final Map<String, String> users;
    private final PermissionLookup permissions;
    private Broker broker;
    private AmqpService service;
    private JunctionServer server;
    private Path dataDir;
    private final List<Connection> connections = new ArrayList<>();

    public AmqpBrokerExtension() {
        this(AmqpSettings.defaults());
    }

    public AmqpBrokerExtension(AmqpSettings settings) {
        this(settings, Map.of("guest", "guest"), PermissionLookup.grantAll());
    }

    /** A broker with these users (name to password), whose permissions come from {@code permissions}. */
    public AmqpBrokerExtension(AmqpSettings settings, Map<String, String> users, PermissionLookup permissions) {
        this.settings = settings;
        this.users = users;
        this.permissions = permissions;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("junction-amqp-test");
        broker = new Broker(2);
        broker.addVirtualHost("other");
        service = new AmqpService(broker, settings, TestLogins.of(broker, users), permissions,
                Limits.none());
        Config config = Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5);
        server = JunctionServer.start(config, List.of(service.listener()), List.of(broker));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (Connection connection : connections) {
            if (connection.isOpen()) {
                try {
                    connection.close(2000);
                } catch (Exception e) {
                    connection.abort();
                }
            }
        }
        connections.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** Shuts the daemon down the way SIGTERM does; afterAll's close is then a no-op. */
    public void stopServer() {
        server.close();
    }

    public Broker broker() {
        return broker;
    }

    public AmqpService service() {
        return service;
    }

    public int port() {
        return server.port(Protocol.AMQP);
    }

    public ConnectionFactory factory() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        factory.setPort(port());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5000);
        factory.setChannelRpcTimeout(5000);
        factory.setShutdownTimeout(1000);
        return factory;
    }

    public Connection connect() throws Exception {
        return track(factory().newConnection());
    }

    public Connection track(Connection connection) {
        connections.add(connection);
        return connection;
    }
}
