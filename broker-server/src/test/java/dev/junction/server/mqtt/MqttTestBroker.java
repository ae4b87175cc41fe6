package dev.junction.server.mqtt;

import dev.junction.server.acl.MqttAcl;
import dev.junction.server.limits.Limits;
import dev.junction.core.Broker;
import dev.junction.server.JunctionServer;
import dev.junction.server.auth.Logins;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.auth.UserRegistry;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The daemon with the MQTT front end on ephemeral loopback ports (TCP and WebSocket), over a fresh core, for
 * tests over real sockets.
 */
final class MqttTestBroker implements AutoCloseable {
    final Broker core = new Broker(2);
    final MqttBroker mqtt;
    /** The broker's users, for tests that store one as an older version did. */
    final UserRegistry registry;
    private final JunctionServer server;

    MqttTestBroker(MqttSettings settings) throws Exception {
        this(settings, Map.of("guest", "guest"));
    }

    /** With these users (name to password), each with every permission on vhost {@code /}. */
    MqttTestBroker(MqttSettings settings, Map<String, String> users) throws Exception {
        Logins logins = TestLogins.of(core, users);
        registry = logins.registry();
        mqtt = new MqttBroker(core, settings, logins, MqttAcl.allowAll(), Limits.none());
        Path dataDir = Files.createTempDirectory("junction-mqtt-test");
        Config config = Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.MQTT_WS_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED);
        server = JunctionServer.start(config, mqtt.listeners(), List.of(mqtt, core));
    }

    MqttTestBroker() throws Exception {
        this(MqttSettings.DEFAULTS);
    }

    int port() {
        return server.port(Protocol.MQTT);
    }

    int webSocketPort() {
        return server.port(Protocol.MQTT_WEBSOCKET);
    }

    String uri() {
        return "tcp://127.0.0.1:" + port();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
