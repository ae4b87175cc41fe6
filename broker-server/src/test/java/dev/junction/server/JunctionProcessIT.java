package dev.junction.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real jar as operators run it: a child process, real sockets, real signals. */
class JunctionProcessIT {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path workDir;

    @Test
    void servesEveryProtocolFromTheShippedConfigAndStopsCleanlyOnSigterm() throws Exception {
        int mqtt = Wire.freePort();
        int amqp = Wire.freePort();
        int http = Wire.freePort();
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--config", REPO.resolve("config/junction.conf").toString(),
                "--set", "bind=127.0.0.1", "--set", "mqtt.port=" + mqtt, "--set", "amqp.port=" + amqp,
                "--set", "http.port=" + http, "--set", "shutdown.timeout=" + SHUTDOWN_BOUND.toSeconds())) {
            broker.awaitLine("Listening for AMQP 0-9-1 on 127.0.0.1:" + amqp);
            assertTrue(broker.stdout().stream().anyMatch(l -> l.contains("Listening for MQTT 3.1.1/5.0 on 127.0.0.1:" + mqtt)));
            assertTrue(broker.stdout().stream().anyMatch(l -> l.contains("Listening for HTTP management on 127.0.0.1:" + http)));

            assertArrayEquals(Wire.MQTT_CONNACK_ACCEPTED, Wire.exchangeUntilClosed(mqtt, Wire.mqttConnectThenDisconnect()));
            RealClients.mqttRoundTrip(mqtt);
            RealClients.amqpRoundTrip(amqp);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode());
            HttpResponse<String> live = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"status\":\"ok\"}", live.body());

            // data.dir = ./data from the shipped config, relative to the working directory.
            assertEquals(broker.pid() + "\n", Files.readString(workDir.resolve("data/.lock")));

            long stopping = System.nanoTime();
            broker.terminate();
            assertEquals(0, broker.awaitExit(SHUTDOWN_BOUND.plusSeconds(5)));
            assertTrue(Duration.ofNanos(System.nanoTime() - stopping).compareTo(SHUTDOWN_BOUND) < 0);
            assertEquals(1, broker.stdout().stream().filter(l -> l.contains("Junction stopped in")).count(),
                    () -> "stdout: " + broker.stdout());
            assertTrue(broker.stdout().stream().noneMatch(l -> l.contains("LEAK")), () -> "stdout: " + broker.stdout());
            assertEquals(List.of(), broker.stderr());
        }
    }

    @Test
    void badConfigFileExits2WithOneLineNamingFileLineKeyAndProblem() throws Exception {
        Path file = Files.writeString(workDir.resolve("bad.conf"), "# ports\nmqtt.port = abc\n");
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--config", file.toString())) {
            assertEquals(2, broker.awaitExit(Duration.ofSeconds(30)));
            assertEquals(List.of("junction: config file " + file + " line 2: mqtt.port: 'abc' is not an integer"
                    + " (expected 0..65535)"), broker.stderr());
            assertTrue(broker.stdout().stream().noneMatch(l -> l.contains("Listening")));
        }
    }

    @Test
    void badSetAndUnreadableFileExit2WithOneLine() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--set", "amqp.prot=1")) {
            assertEquals(2, broker.awaitExit(Duration.ofSeconds(30)));
            assertEquals(List.of("junction: --set amqp.prot=1: unknown key 'amqp.prot'"), broker.stderr());
        }
        Path missing = workDir.resolve("missing.conf");
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--config", missing.toString())) {
            assertEquals(2, broker.awaitExit(Duration.ofSeconds(30)));
            assertEquals(List.of("junction: config file " + missing + ": cannot read: no such file"), broker.stderr());
        }
    }

    @Test
    void secondBrokerOnTheSameDataDirectoryIsRefusedWithExit2() throws Exception {
        Path dataDir = workDir.resolve("shared-data");
        try (BrokerProcess first = BrokerProcess.start(workDir, ephemeralPorts("--set", "data.dir=" + dataDir))) {
            first.awaitLine("Listening for AMQP");
            try (BrokerProcess second = BrokerProcess.start(workDir, ephemeralPorts("--set", "data.dir=" + dataDir))) {
                assertEquals(2, second.awaitExit(Duration.ofSeconds(30)));
                assertEquals(List.of("junction: data directory " + dataDir + " is in use by another Junction process"
                        + " (pid " + first.pid() + "); lock file " + dataDir.resolve(".lock")), second.stderr());
            }
            first.terminate();
            assertEquals(0, first.awaitExit(SHUTDOWN_BOUND));
        }
    }

    @Test
    void portInUseIsReportedWithExit1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             BrokerProcess broker = BrokerProcess.start(workDir, "--set", "bind=127.0.0.1",
                     "--set", "mqtt.port=" + taken.getLocalPort(), "--set", "amqp.port=0", "--set", "http.port=0")) {
            assertEquals(1, broker.awaitExit(Duration.ofSeconds(30)));
            assertEquals(List.of("junction: cannot listen for MQTT 3.1.1/5.0 on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use"), broker.stderr());
        }
    }

    /** Issue #15: it started, stopped and exited 0. Nothing is written to the data directory either. */
    @Test
    void everyListenerOffIsRefusedWithExit2() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--set", "mqtt.port=0", "--set", "amqp.port=0",
                "--set", "http.port=0")) {
            assertEquals(2, broker.awaitExit(Duration.ofSeconds(30)));
            assertEquals(List.of("junction: no listener is enabled: mqtt.port, mqtt.ws.port, amqp.port, http.port are"
                    + " all 0; set at least one to a port"), broker.stderr());
        }
        assertFalse(Files.exists(workDir.resolve("data")));
    }

    /** Issue #15: the jar started from a shell whose umask lets everyone read keeps its data to itself. */
    @Test
    void theDataDirectoryAndItsFilesAreTheBrokersOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
        int mqtt = Wire.freePort();
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--set", "bind=127.0.0.1",
                "--set", "mqtt.port=" + mqtt, "--set", "amqp.port=0", "--set", "http.port=0")) {
            broker.awaitLine("Listening for MQTT 3.1.1/5.0 on 127.0.0.1:" + mqtt);
            RealClients.mqttRoundTrip(mqtt);
            assertEquals("rwx------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(workDir.resolve("data"))));
            try (Stream<Path> files = Files.walk(workDir.resolve("data"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                            file.toString());
                }
            }
            broker.terminate();
            assertEquals(0, broker.awaitExit(SHUTDOWN_BOUND.plusSeconds(5)));
        }
    }

    @Test
    void versionAndHelpExit0() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--version")) {
            assertEquals(0, broker.awaitExit(Duration.ofSeconds(30)));
            assertTrue(broker.stdout().get(0).matches("junction \\d+\\.\\d+\\.\\d+.*"), () -> broker.stdout().toString());
        }
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--help")) {
            assertEquals(0, broker.awaitExit(Duration.ofSeconds(30)));
            String help = String.join("\n", broker.stdout());
            assertTrue(help.contains("--config=FILE") && help.contains("--set=KEY=VALUE"), help);
        }
    }

    @Test
    void unknownOptionIsAUsageErrorWithExit2() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--confg", "x")) {
            assertEquals(2, broker.awaitExit(Duration.ofSeconds(30)));
            assertTrue(broker.stderr().get(0).contains("Unknown options: '--confg', 'x'"), () -> broker.stderr().toString());
        }
    }

    private static String[] ephemeralPorts(String... more) {
        List<String> args = new ArrayList<>(List.of("--set", "bind=127.0.0.1", "--set", "mqtt.port=ephemeral",
                "--set", "amqp.port=ephemeral", "--set", "http.port=ephemeral"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
