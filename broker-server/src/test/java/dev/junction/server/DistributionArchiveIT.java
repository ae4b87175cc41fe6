package dev.junction.server;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The archive {@code mvn package} builds, unpacked and started as docs/operations.md tells an operator to. */
class DistributionArchiveIT {
    private static final Path ARCHIVE = Path.of(System.getProperty("junction.archive",
            "target/junction-archive-missing.tar.gz")).toAbsolutePath();
    private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** The unpacked {@code junction-<version>/}. */
    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        assertTrue(Files.isRegularFile(ARCHIVE), ARCHIVE + " missing: archive tests run after `package`");
        Path unpacked = Files.createDirectories(dir.resolve("opt"));
        Result tar = run(new ProcessBuilder("tar", "xzf", ARCHIVE.toString(), "-C", unpacked.toString()));
        assertEquals(0, tar.exitCode(), tar.output());
        try (Stream<Path> entries = Files.list(unpacked)) {
            List<Path> top = entries.toList();
            assertEquals(1, top.size(), () -> "one top directory expected: " + top);
            home = top.get(0);
        }
        assertTrue(home.getFileName().toString().matches("junction-\\d+\\.\\d+\\.\\d+.*"), home.toString());
    }

    @Test
    void startScriptRunThroughASymlinkServesEveryProtocolAndExits0OnSigterm() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("usr/local/bin"));
        Path linked = Files.createSymbolicLink(bin.resolve("junction"), home.resolve("bin/junction"));
        Path workDir = Files.createDirectories(dir.resolve("var/lib/junction"));
        int mqtt = Wire.freePort();
        int amqp = Wire.freePort();
        int http = Wire.freePort();
        ProcessBuilder start = withJava(new ProcessBuilder(linked.toString(),
                "--config", home.resolve("config/junction.conf").toString(), "--set", "bind=127.0.0.1",
                "--set", "mqtt.port=" + mqtt, "--set", "amqp.port=" + amqp, "--set", "http.port=" + http,
                "--set", "shutdown.timeout=" + SHUTDOWN_BOUND.toSeconds()).directory(workDir.toFile()));
        start.environment().put("JUNCTION_OPTS", "-Dio.netty.leakDetection.level=paranoid -Xmx256m");
        try (BrokerProcess broker = BrokerProcess.start(start)) {
            broker.awaitLine("Listening for AMQP 0-9-1 on 127.0.0.1:" + amqp);
            // The script exec'd the JVM: the pid systemd would signal is the JVM's, not a shell's.
            String command = ProcessHandle.of(broker.pid()).flatMap(p -> p.info().command()).orElseThrow();
            assertTrue(command.endsWith("/bin/java"), command);

            assertArrayEquals(Wire.MQTT_CONNACK_ACCEPTED, Wire.exchangeUntilClosed(mqtt, Wire.mqttConnectThenDisconnect()));
            RealClients.amqpRoundTrip(amqp);
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode());
            // data.dir = ./data resolves against the working directory, as under the systemd unit.
            assertEquals(broker.pid() + "\n", Files.readString(workDir.resolve("data/.lock")));

            Result status = run(withJava(new ProcessBuilder(home.resolve("bin/junction-ctl").toString(),
                    "--url", "http://127.0.0.1:" + http, "status")));
            assertEquals(0, status.exitCode(), status.output());
            assertTrue(status.output().startsWith("Junction "), status.output());
            assertTrue(status.output().contains("listener\tmqtt\t127.0.0.1:" + mqtt), status.output());

            broker.terminate();
            assertEquals(0, broker.awaitExit(SHUTDOWN_BOUND.plusSeconds(5)));
            assertEquals(1, broker.stdout().stream().filter(l -> l.contains("Junction stopped in")).count(),
                    () -> "stdout: " + broker.stdout());
            assertTrue(broker.stdout().stream().noneMatch(l -> l.contains("LEAK")), () -> "stdout: " + broker.stdout());
            assertEquals(List.of(), broker.stderr());
        }
    }

    @Test
    void startScriptRefusesAJavaOlderThan17WithExit2() throws Exception {
        Path oldJava = Files.createDirectories(dir.resolve("jdk-11/bin")).resolve("java");
        Files.writeString(oldJava, "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
        Files.setPosixFilePermissions(oldJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder start = new ProcessBuilder(home.resolve("bin/junction").toString(), "--version");
        start.environment().put("JAVA_HOME", dir.resolve("jdk-11").toString());
        Result result = run(start);
        assertEquals(2, result.exitCode());
        assertEquals("junction: " + oldJava + " is Java 11.0.22; Junction needs Java 17 or later (set JAVA_HOME to"
                + " one)\n", result.output());
    }

    @Test
    void startScriptPassesArgumentsThrough() throws Exception {
        Result version = run(withJava(new ProcessBuilder(home.resolve("bin/junction").toString(), "--version")));
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().matches("junction \\d+\\.\\d+\\.\\d+.*\n"), version.output());
    }

    /** The shipped unit as installed by docs/operations.md, checked by systemd against the unpacked archive. */
    @Test
    void systemdUnitVerifiesWithTheArchiveAtOptJunction() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("opt"));
        Files.move(home, root.resolve("opt/junction"));
        Path units = Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.copy(root.resolve("opt/junction/config/junction.service"), units.resolve("junction.service"));
        // The host's own units (sysinit.target, ...) that every service depends on.
        Files.createDirectories(root.resolve("usr/lib"));
        Path hostUnits = Files.createSymbolicLink(root.resolve("usr/lib/systemd"), Path.of("/usr/lib/systemd"));

        Result verify;
        try {
            verify = run(new ProcessBuilder("systemd-analyze", "verify", "--root=" + root, "junction.service"));
        } finally {
            Files.delete(hostUnits);
        }
        assertEquals(0, verify.exitCode(), verify.output());
        // systemd-analyze only warns about some mistakes (an unknown Type=, say): none may concern our unit.
        assertTrue(verify.output().lines().noneMatch(l -> l.contains("junction.service")), verify.output());
    }

    private static ProcessBuilder withJava(ProcessBuilder builder) {
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder;
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, program)));
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs a short command to its end, stdout and stderr together. */
    private static Result run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(builder.command() + " still running after 60 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
