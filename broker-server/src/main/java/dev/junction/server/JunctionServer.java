package dev.junction.server;

import dev.junction.core.Broker;
import dev.junction.core.queue.FlowLimits;
import dev.junction.core.queue.Queue;
import dev.junction.core.store.Storage;
import dev.junction.core.store.StorageEngines;
import dev.junction.core.store.StorageSettings;
import dev.junction.server.acl.MqttAcl;
import dev.junction.server.alarm.DiskSpaceCheck;
import dev.junction.server.alarm.MemoryCheck;
import dev.junction.server.alarm.ReadAdmission;
import dev.junction.server.alarm.ResourceAlarms;
import dev.junction.server.amqp.AmqpService;
import dev.junction.server.amqp.AmqpSettings;
import dev.junction.server.auth.Logins;
import dev.junction.server.auth.UserRegistry;
import dev.junction.server.auth.PermissionLookup;
import dev.junction.server.auth.ResourcePermissions;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.http.BrokerMetrics;
import dev.junction.server.http.ConnectionDirectory;
import dev.junction.server.http.HttpManagement;
import dev.junction.server.http.HttpSettings;
import dev.junction.server.http.Management;
import dev.junction.server.http.ManagementApi;
import dev.junction.server.limits.LimitSettings;
import dev.junction.server.limits.Limits;
import dev.junction.server.mqtt.MqttBroker;
import dev.junction.server.mqtt.MqttSettings;
import dev.junction.server.net.Listener;
import dev.junction.server.net.Protocol;
import dev.junction.server.net.ProtocolListener;
import dev.junction.server.net.Transport;
import dev.junction.server.tls.TlsListeners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A running broker: the data directory lock, one listener per enabled protocol plus HTTP management, and the ordered
 * shutdown. Tests start one in-process with {@code ephemeral} ports and read the bound ports back.
 */
public final class JunctionServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JunctionServer.class);
    private static final Duration ALARM_CHECK_PERIOD = Duration.ofSeconds(1);

    private final Config config;
    private final DataDirLock lock;
    private final Transport transport;
    private final List<AutoCloseable> shutdownOrder;
    /** Written only while starting; read by the management endpoint, which starts serving before they all exist. */
    private final Map<Protocol, Listener> listeners = new ConcurrentHashMap<>();
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private JunctionServer(Config config, DataDirLock lock, Transport transport, List<AutoCloseable> shutdownOrder) {
        this.config = config;
        this.lock = lock;
        this.transport = transport;
        this.shutdownOrder = List.copyOf(shutdownOrder);
    }

    /**
     * Starts the whole broker from its configuration: takes the data directory lock, opens the storage under it,
     * builds the routing core over the storage (restoring what it kept before any listener opens), then MQTT (with
     * WebSocket) and AMQP on the ports the configuration names, their TLS variants when a certificate is
     * configured, and the management endpoint.
     */
    public static JunctionServer start(Config config) throws StartupException {
        // Newest first: the order to close in, whether start-up fails half-way or the broker later shuts down.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        DataDirLock lock = null;
        List<ProtocolListener> protocols;
        TlsListeners tls;
        Function<JunctionServer, Management> management;
        Limits limits = new Limits(LimitSettings.from(config));
        try {
            // Every check of the configuration's files and listeners comes before anything is written to the data
            // directory, so that a refused start leaves it as it was (no users created from a config being fixed).
            tls = opened(opened, TlsListeners.start(config));
            MqttAcl acl = opened(opened, MqttAcl.load(config));
            requireAListener(config, tls);
            MqttSettings mqttSettings = MqttSettings.from(config);
            AmqpSettings amqpSettings = AmqpSettings.from(config);
            lock = DataDirLock.acquire(config.get(ConfigKeys.DATA_DIR));
            Storage storage = opened(opened, openStorage(config));
            Broker core = opened(opened, new Broker(Runtime.getRuntime().availableProcessors(), storage,
                    new FlowLimits(config.get(ConfigKeys.FLOW_QUEUE_HIGH_WATERMARK),
                            config.get(ConfigKeys.FLOW_QUEUE_HIGH_WATERMARK_BYTES))));
            UserRegistry users = UserRegistry.open(core, config.get(ConfigKeys.USERS),
                    config.get(ConfigKeys.AUTH_HASH_ITERATIONS));
            Logins logins = opened(opened, new Logins(users,
                    Duration.ofMillis(config.get(ConfigKeys.AUTH_FAILED_LOGIN_DELAY_MAX)),
                    config.get(ConfigKeys.AUTH_SCRAM)));
            MqttBroker mqtt = opened(opened, new MqttBroker(core, mqttSettings, logins, acl, limits));
            AmqpService amqp = new AmqpService(core, amqpSettings, logins,
                    permissionLookup(users), limits);
            users.watchPermissions((user, vhost) -> {
                amqp.permissionsChanged(user, vhost);
                mqtt.permissionsChanged(user, vhost);
            });
            users.watchDeletions(user -> {
                amqp.userDeleted(user);
                mqtt.userDeleted(user);
            });
            double memoryWatermark = config.get(ConfigKeys.MEMORY_HIGH_WATERMARK);
            MemoryCheck memory = memoryWatermark > 0
                    ? new MemoryCheck(memoryWatermark, () -> queuedBytes(core)) : null;
            ResourceAlarms alarms = opened(opened, startAlarms(config, memory, mqtt, amqp));
            protocols = new ArrayList<>(mqtt.listeners());
            protocols.add(amqp.listener());
            if (memory != null) {
                ReadAdmission admission = new ReadAdmission(alarms, memory);
                protocols.replaceAll(admission::admitting);
            }
            TlsListeners certificates = tls;
            opened(opened, HangupReload.install(() -> {
                acl.reload();
                certificates.reload();
            }));
            protocols.addAll(tls.secured(protocols));
            management = server -> {
                ConnectionDirectory connections = new ConnectionDirectory(server::listeners);
                BrokerMetrics metrics = new BrokerMetrics(core, mqtt, connections, new BrokerMetrics.Sources(
                        amqp.messages(), storage, config.get(ConfigKeys.DATA_DIR), alarms));
                metrics.countLimitHits(limits.hits());
                return new Management(new ManagementApi(core, mqtt, logins, connections,
                        config.get(ConfigKeys.HTTP_MAX_UNPAGED_ITEMS)), metrics);
            };
        } catch (StartupException | RuntimeException e) {
            opened.forEach(JunctionServer::closeLogged);
            if (lock != null) {
                closeLogged(lock);
            }
            throw e instanceof StartupException startup ? startup
                    : StartupException.failure("cannot restore the broker's state: " + e.getMessage(), e);
        }
        return start(config, lock, protocols, List.copyOf(opened), management, tls, limits);
    }

    /**
     * A broker that would listen on no port at all serves nobody and could only be stopped again: that is a
     * configuration to fix (every port key 0), not a start.
     */
    private static void requireAListener(Config config, TlsListeners tls) throws StartupException {
        List<Protocol> possible = tls.possibleProtocols();
        if (possible.stream().noneMatch(protocol -> config.get(protocol.portKey()).enabled())) {
            throw StartupException.setup("no listener is enabled: " + possible.stream()
                    .map(protocol -> protocol.portKey().name()).collect(Collectors.joining(", "))
                    + " are all 0; set at least one to a port");
        }
    }

    private static <T extends AutoCloseable> T opened(Deque<AutoCloseable> opened, T closeable) {
        opened.push(closeable);
        return closeable;
    }

    /**
     * AMQP checks the stored permissions. Each distinct triple is compiled once and shared by every connection and
     * channel that has it (three compiled patterns are about half a kilobyte); only administrators add triples.
     */
    private static PermissionLookup permissionLookup(UserRegistry users) {
        Map<List<String>, ResourcePermissions> compiled = new ConcurrentHashMap<>();
        return (user, vhost) -> users.permission(user, vhost)
                .map(granted -> compiled.computeIfAbsent(List.of(granted.configure(), granted.write(), granted.read()),
                        triple -> new ResourcePermissions(triple.get(0), triple.get(1), triple.get(2))));
    }

    /** Bytes of message bodies all queues hold in memory, for the memory alarm's reason. */
    private static long queuedBytes(Broker core) {
        return core.virtualHosts().stream().flatMap(vhost -> vhost.queues().stream())
                .mapToLong(Queue::memoryBytes).sum();
    }

    /** Before any listener opens, so that a resource already short holds the first publisher back. */
    private static ResourceAlarms startAlarms(Config config, MemoryCheck memory, MqttBroker mqtt, AmqpService amqp)
            throws StartupException {
        // Both resources are always listed, so that their metrics exist (at 0) even while a check is off.
        Map<String, ResourceAlarms.Check> checks = new LinkedHashMap<>();
        long diskFreeLimit = config.get(ConfigKeys.STORAGE_DISK_FREE_LIMIT);
        ResourceAlarms.Check disk = ResourceAlarms.Check.OFF;
        if (diskFreeLimit > 0) {
            Path directory = config.get(ConfigKeys.DATA_DIR);
            try {
                disk = new DiskSpaceCheck(directory, diskFreeLimit);
            } catch (IOException e) {
                throw StartupException.failure("cannot watch the free space of " + directory + ": "
                        + e.getMessage(), e);
            }
        }
        checks.put("disk", disk);
        checks.put("memory", memory != null ? memory : ResourceAlarms.Check.OFF);
        return ResourceAlarms.start(checks, new ResourceAlarms.Publishers() {
            @Override
            public void block(String reason) {
                amqp.blockPublishers(reason);
                mqtt.blockPublishers(reason);
            }

            @Override
            public void unblock() {
                amqp.unblockPublishers();
                mqtt.unblockPublishers();
            }
        }, ALARM_CHECK_PERIOD);
    }

    /** The engine {@code storage.engine} names, under {@code data.dir}; the caller holds the directory's lock. */
    private static Storage openStorage(Config config) throws StartupException {
        String engine = config.get(ConfigKeys.STORAGE_ENGINE);
        StorageSettings settings = new StorageSettings(config.get(ConfigKeys.DATA_DIR),
                config.get(ConfigKeys.STORAGE_FSYNC), config.get(ConfigKeys.STORAGE_SEGMENT_SIZE),
                config.get(ConfigKeys.STORAGE_QUEUE_MEMORY_LIMIT));
        try {
            return StorageEngines.open(engine, settings);
        } catch (IOException | RuntimeException e) {
            throw StartupException.failure("cannot open " + engine + " storage in " + settings.directory() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param protocols     the messaging protocols to serve, each on the port its key configures; HTTP management
     *                      is added by the server
     * @param shutdownOrder closed in this order after client connections are closed and before the data directory
     *                      is unlocked (routing core, then storage)
     */
    public static JunctionServer start(Config config, List<ProtocolListener> protocols,
                                       List<AutoCloseable> shutdownOrder) throws StartupException {
        return start(config, DataDirLock.acquire(config.get(ConfigKeys.DATA_DIR)), protocols, shutdownOrder,
                server -> null, TlsListeners.off(), new Limits(LimitSettings.from(config)));
    }

    /**
     * @param management what the HTTP listener serves besides health checks; null: health checks only
     * @param tls        gives the management listener its HTTPS variant
     * @param limits     guards every messaging listener (connection counts, per address) and management (per address)
     */
    private static JunctionServer start(Config config, DataDirLock lock, List<ProtocolListener> protocols,
                                        List<AutoCloseable> shutdownOrder,
                                        Function<JunctionServer, Management> management, TlsListeners tls,
                                        Limits limits)
            throws StartupException {
        JunctionServer server = new JunctionServer(config, lock, Transport.create(), shutdownOrder);
        List<ProtocolListener> all = new ArrayList<>();
        // Management first, so a readiness probe during start-up sees 503 rather than a refused connection.
        ProtocolListener http = HttpManagement.listener(server.ready::get, management.apply(server),
                HttpSettings.from(config));
        all.add(limits.guardManagement(http));
        tls.secured(List.of(http)).stream().map(limits::guardManagement).forEach(all::add);
        protocols.stream().map(limits::guard).forEach(all::add);
        try {
            for (ProtocolListener protocol : all) {
                server.listen(protocol);
            }
        } catch (StartupException e) {
            server.stop(false);
            throw e;
        }
        server.ready.set(true);
        return server;
    }

    private void listen(ProtocolListener protocolListener) throws StartupException {
        Protocol protocol = protocolListener.protocol();
        ListenPort port = config.get(protocol.portKey());
        if (!port.enabled()) {
            log.info("{} listener disabled ({} = 0)", protocol.displayName(), protocol.portKey().name());
            return;
        }
        InetSocketAddress requested = new InetSocketAddress(config.get(ConfigKeys.BIND), port.bindPort());
        Listener listener;
        try {
            listener = Listener.bind(transport, protocolListener, requested);
        } catch (IOException e) {
            throw StartupException.failure("cannot listen for " + protocol.displayName() + " on "
                    + hostAndPort(requested) + ": " + bindProblem(e), e);
        }
        listeners.put(protocol, listener);
        log.info("Listening for {} on {} ({})", protocol.displayName(), hostAndPort(listener.address()),
                transport.name());
    }

    /** Epoll says "bind(..) failed with error(-98): Address already in use", NIO just the last part. */
    private static String bindProblem(IOException e) {
        String message = String.valueOf(e.getMessage());
        int detail = message.lastIndexOf(": ");
        return message.startsWith("bind(") && detail >= 0 ? message.substring(detail + 2) : message;
    }

    private static String hostAndPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The address a protocol listens on; throws if that listener is disabled. */
    public InetSocketAddress address(Protocol protocol) {
        Listener listener = listeners.get(protocol);
        if (listener == null) {
            throw new IllegalStateException(protocol.displayName() + " listener is not running");
        }
        return listener.address();
    }

    private Map<Protocol, Listener> listeners() {
        Map<Protocol, Listener> inOrder = new EnumMap<>(Protocol.class);
        inOrder.putAll(listeners);
        return Collections.unmodifiableMap(inOrder);
    }

    public int port(Protocol protocol) {
        return address(protocol).getPort();
    }

    /** True once every configured listener is bound, until shutdown begins. */
    public boolean isReady() {
        return ready.get();
    }

    /**
     * Stops accepting, closes client connections the protocol's way, closes {@code shutdownOrder}, stops the event
     * loops and unlocks the data directory. Connections still open when {@code shutdown.timeout} runs out are closed
     * abruptly. Idempotent.
     */
    @Override
    public void close() {
        stop(true);
    }

    private void stop(boolean logSummary) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(config.get(ConfigKeys.SHUTDOWN_TIMEOUT));
        ready.set(false);
        listeners.values().forEach(Listener::stopAccepting);
        int connections = listeners.values().stream().mapToInt(Listener::closeConnectionsGracefully).sum();
        int forced = 0;
        for (Listener listener : listeners.values()) {
            if (!listener.awaitConnectionsClosed(deadline)) {
                forced += listener.forceCloseConnections();
            }
        }
        transport.awaitQueuedWork(deadline);
        shutdownOrder.forEach(JunctionServer::closeLogged);
        transport.shutdown(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        closeLogged(lock);
        if (logSummary) {
            log.info("Junction stopped in {} ms: {} connection(s) closed{}",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), connections,
                    forced == 0 ? "" : ", " + forced + " of them forcibly after shutdown.timeout");
        }
    }

    private static void closeLogged(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("Error while closing {} at shutdown", closeable, e);
        }
    }
}
