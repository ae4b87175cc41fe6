package dev.junction.bench.mqtt;

import dev.junction.bench.LoopbackJunction;
import dev.junction.server.JunctionServer;
import dev.junction.server.net.Protocol;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT 5 runs against a Junction in this JVM. The topic alias tests skip themselves until Junction's CONNACK
 * grants aliases.
 */
class Mqtt5ScenariosAgainstJunctionTest extends Mqtt5ScenariosTest {
    @TempDir
    static Path dataDir;
    static JunctionServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackJunction.start(dataDir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    InetSocketAddress broker() {
        return new InetSocketAddress("127.0.0.1", server.port(Protocol.MQTT));
    }

    @Override
    long brokerPid() {
        return ProcessHandle.current().pid();
    }
}
