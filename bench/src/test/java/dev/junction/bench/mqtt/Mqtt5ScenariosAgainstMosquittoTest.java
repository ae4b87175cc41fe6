package dev.junction.bench.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT 5 runs against Mosquitto 2 (which speaks MQTT 5, topic aliases from clients and shared subscriptions),
 * the reference compare.sh measures Junction against; skipped where Mosquitto is not installed.
 */
class Mqtt5ScenariosAgainstMosquittoTest extends Mqtt5ScenariosTest {
    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    @TempDir
    static Path dir;
    static Process mosquitto;
    static InetSocketAddress broker;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(MOSQUITTO), "Mosquitto is not installed");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("mosquitto.conf"),
                "listener " + port + " 127.0.0.1\nallow_anonymous true\nlog_dest stderr\n");
        mosquitto = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        broker = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        await().atMost(Duration.ofSeconds(30)).until(() -> mosquitto.isAlive() && accepts(broker)
                || !mosquitto.isAlive());
        if (!mosquitto.isAlive()) {
            throw new IllegalStateException("Mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
        }
    }

    private static boolean accepts(InetSocketAddress address) {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (mosquitto != null) {
            mosquitto.destroy();
            mosquitto.waitFor();
        }
    }

    @Override
    InetSocketAddress broker() {
        return broker;
    }

    @Override
    long brokerPid() {
        return mosquitto.pid();
    }
}
