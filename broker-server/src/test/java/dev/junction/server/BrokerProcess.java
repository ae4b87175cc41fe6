package dev.junction.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The shaded jar running as a child process, its output collected line by line. */
final class BrokerProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("junction.jar", "target/junction.jar")).toAbsolutePath();

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread stdoutPump;
    private final Thread stderrPump;

    private BrokerProcess(Process process) {
        this.process = process;
        this.stdoutPump = pump(process.getInputStream(), stdout);
        this.stderrPump = pump(process.getErrorStream(), stderr);
    }

    static BrokerProcess start(Path workDir, String... args) throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " missing: process tests run after `package`");
        // Through the launcher, so that the broker's SIGHUP handling is tested whatever this JVM inherited.
        List<String> command = new ArrayList<>(Hangup.launcher());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.leakDetection.level=paranoid", "-Xmx256m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return start(new ProcessBuilder(command).directory(workDir.toFile()));
    }

    /**
     * The broker's {@code Main} from this test's class path in a JVM of its own, with {@code jvmOptions} (a small
     * heap or direct-memory limit): for tests that need a process but not the packaged jar.
     */
    static BrokerProcess startFromClassPath(Path workDir, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return start(new ProcessBuilder(command).directory(workDir.toFile()));
    }

    /** A broker started some other way than {@code java -jar}, such as the archive's start script. */
    static BrokerProcess start(ProcessBuilder builder) throws IOException {
        return new BrokerProcess(builder.start());
    }

    private static Thread pump(InputStream stream, List<String> lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // Only when close() kills a broker that is still running: its output no longer matters.
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    long pid() {
        return process.pid();
    }

    /** Waits for a stdout line containing {@code text}; fails early if the process dies first. */
    void awaitLine(String text) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!process.isAlive() && stdout.stream().noneMatch(l -> l.contains(text))) {
                fail("broker exited with " + process.exitValue() + " before logging '" + text + "'; stderr: " + stderr);
            }
            return stdout.stream().anyMatch(l -> l.contains(text));
        });
    }

    /**
     * Sends SIGTERM through the process handle: {@code Process.destroy()} would also close our end of the output
     * pipes, losing what the broker logs while it shuts down.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the exit and for all output to be read; fails after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("broker still running after " + timeout + "; stdout: " + stdout);
        }
        stdoutPump.join(5_000);
        stderrPump.join(5_000);
        return process.exitValue();
    }

    List<String> stdout() {
        return stdout;
    }

    List<String> stderr() {
        return stderr;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
