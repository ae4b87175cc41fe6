package dev.junction.server;

import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigException;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar junction.jar [--config FILE] [--set key=value]...}. Exit codes: 0 after a clean shutdown on
 * SIGTERM/SIGINT, 2 when the configuration, command line or data directory must be fixed first, 1 for any other
 * failure to start (such as a port in use) or a shutdown that overran {@code shutdown.timeout}.
 */
@Command(name = "junction", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Junction message broker: MQTT 3.1.1 and 5.0, AMQP 0-9-1 over one routing core.")
public final class Main implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (key = value lines); without it, built-in defaults.")
    private Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Sets one config key, after the file; repeatable.")
    private List<String> overrides = new ArrayList<>();

    public static void main(String[] args) {
        int exitCode = new CommandLine(new Main()).execute(args);
        // On success the broker's non-daemon event loop threads keep the process alive until a signal arrives.
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    @Override
    public Integer call() {
        Config config;
        try {
            config = ConfigLoader.load(configFile, overrides);
        } catch (ConfigException e) {
            System.err.println("junction: " + e.getMessage());
            return StartupException.EXIT_SETUP;
        }
        if (config.isSet(ConfigKeys.LOG_LEVEL)) {
            LogLevel.applyToRoot(config.get(ConfigKeys.LOG_LEVEL));
        }
        JunctionServer server;
        try {
            server = JunctionServer.start(config);
        } catch (StartupException e) {
            System.err.println("junction: " + e.getMessage());
            return e.exitCode();
        }
        int timeoutSeconds = config.get(ConfigKeys.SHUTDOWN_TIMEOUT);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndHalt(server, timeoutSeconds), "junction-shutdown"));
        return 0;
    }

    /**
     * Runs in the JVM shutdown hook. The JVM would exit with 128+signal after SIGTERM; halting from the hook once the
     * broker has stopped cleanly makes a requested stop exit 0, and bounds a shutdown that hangs.
     */
    private static void stopAndHalt(JunctionServer server, int timeoutSeconds) {
        Thread stopper = new Thread(server::close, "junction-stop");
        stopper.start();
        int exitCode = 0;
        try {
            stopper.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            log.error("Shutdown did not finish within shutdown.timeout ({} s); halting", timeoutSeconds);
            exitCode = 1;
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exitCode);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"junction " + ProductVersion.text()};
        }
    }
}
