package dev.junction.server.acl;

import dev.junction.server.StartupException;
import dev.junction.server.config.Config;
import dev.junction.server.config.FileStamp;
import dev.junction.server.config.ConfigKeys;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT topic ACLs of {@code mqtt.acl_file}, reloaded when the file changes (polled, as the TLS files are) or on
 * {@link #reload()}; a file that no longer parses leaves the previous rules in force. Without a file every client
 * may do everything.
 */
public final class MqttAcl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MqttAcl.class);

    /** What happens to a PUBLISH the ACL refuses. */
    public enum DenyAction { DROP, DISCONNECT }

    private final Path file;
    private final DenyAction denyAction;
    private final ScheduledExecutorService poller;
    private volatile AclRules rules;
    /** Touched by the poller thread, and by {@link #reload()} under this object's lock. */
    private FileStamp loadedStamp;

    private MqttAcl(Path file, DenyAction denyAction, AclRules rules, Duration pollInterval) {
        this.file = file;
        this.denyAction = denyAction;
        this.rules = rules;
        this.loadedStamp = file == null ? null : FileStamp.of(file);
        if (file == null) {
            poller = null;
        } else {
            poller = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("junction-acl-reload", true));
            long interval = pollInterval.toMillis();
            poller.scheduleWithFixedDelay(this::reloadIfChanged, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /** No ACL file: every client may publish and subscribe anywhere. */
    public static MqttAcl allowAll() {
        return new MqttAcl(null, DenyAction.DROP, null, Duration.ZERO);
    }

    /** Reads {@code mqtt.acl_file}; a file that cannot be read or parsed stops the start with its line and problem. */
    public static MqttAcl load(Config config) throws StartupException {
        DenyAction action = DenyAction.valueOf(config.get(ConfigKeys.MQTT_ACL_DENY_ACTION));
        Optional<Path> file = config.get(ConfigKeys.MQTT_ACL_FILE);
        if (file.isEmpty()) {
            return new MqttAcl(null, action, null, Duration.ZERO);
        }
        try {
            AclRules rules = AclFile.read(file.get());
            log.info("MQTT topic ACLs from {}", file.get());
            return new MqttAcl(file.get(), action, rules,
                    Duration.ofSeconds(config.get(ConfigKeys.MQTT_ACL_RELOAD_INTERVAL)));
        } catch (AclFileException e) {
            throw StartupException.setup("mqtt.acl_file: " + e.getMessage());
        }
    }

    public DenyAction denyAction() {
        return denyAction;
    }

    /** One connection's view, resolved for its user and client id and re-resolved after a reload. */
    public ConnectionAcl forClient(String user, String clientId) {
        return new ConnectionAcl(this, user, clientId);
    }

    /** The rules in force, to be compared by identity: a reload replaces them. Null without a file. */
    AclRules rules() {
        return rules;
    }

    /**
     * Reads the file again now (the server's SIGHUP reload, tests); false, with the reason logged, when it keeps
     * the previous rules.
     */
    public synchronized boolean reload() {
        if (file == null) {
            return true;
        }
        loadedStamp = FileStamp.of(file);
        try {
            rules = AclFile.read(file);
            log.info("MQTT topic ACLs reloaded from {}", file);
            return true;
        } catch (AclFileException e) {
            log.error("MQTT topic ACLs not reloaded, the previous ones stay in force: {}", e.getMessage());
            return false;
        }
    }

    private synchronized void reloadIfChanged() {
        if (!FileStamp.of(file).equals(loadedStamp)) {
            reload();
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
