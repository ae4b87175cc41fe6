package dev.junction.bench;

import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import java.net.InetAddress;
import java.nio.file.Path;

/** A Junction in the test's JVM, on loopback and ephemeral ports, for the generators to run against. */
public final class LoopbackJunction {
    private LoopbackJunction() {
    }

    public static JunctionServer start(Path dataDir) throws Exception {
        return JunctionServer.start(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getByName("127.0.0.1"))
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5));
    }
}
