package dev.junction.server.config;

import dev.junction.core.store.StorageEngines;
import dev.junction.core.store.log.FsyncPolicy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every configuration key the broker knows. A new key is added here, in config/junction.conf and in the docs. */
public final class ConfigKeys {
    /** The largest MQTT control packet: a 5-byte fixed header plus the largest Remaining Length (MQTT 3.1.1, 2.2.3). */
    static final int MQTT_PACKET_SIZE_LIMIT = 5 + 268_435_455;

    public static final ConfigKey<ListenPort> MQTT_PORT = new ConfigKey<>("mqtt.port", "1883", ListenPort.parser(),
            "TCP port of the MQTT listener (3.1.1 and 5.0); 0 disables it");
    public static final ConfigKey<ListenPort> AMQP_PORT = new ConfigKey<>("amqp.port", "5672", ListenPort.parser(),
            "TCP port of the AMQP 0-9-1 listener; 0 disables it");
    public static final ConfigKey<ListenPort> HTTP_PORT = new ConfigKey<>("http.port", "15672", ListenPort.parser(),
            "TCP port of the HTTP management listener (health checks, JSON API, metrics); 0 disables it");
    public static final ConfigKey<InetAddress> BIND = new ConfigKey<>("bind", "0.0.0.0", ValueParsers.ipAddress(),
            "IP address literal every listener binds to; 0.0.0.0 means all IPv4 addresses, :: all IPv4 and IPv6 ones");
    public static final ConfigKey<Path> DATA_DIR = new ConfigKey<>("data.dir", "./data", ValueParsers.path(),
            "directory for persistent state and the lock file, relative to the working directory; created if missing");
    public static final ConfigKey<Integer> MQTT_MAX_PACKET_SIZE = new ConfigKey<>("mqtt.max_packet_size", "16777216",
            ValueParsers.integer(16, MQTT_PACKET_SIZE_LIMIT),
            "largest MQTT control packet accepted, in bytes, fixed header included; a larger one closes the connection");
    public static final ConfigKey<Integer> MQTT_CONNECT_TIMEOUT = new ConfigKey<>("mqtt.connect_timeout", "10",
            ValueParsers.integer(1, 3600),
            "seconds a new MQTT connection may take to send its CONNECT packet before it is closed");
    public static final ConfigKey<String> LOG_LEVEL = new ConfigKey<>("log.level", "INFO",
            ValueParsers.oneOf(List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE")),
            "level of the root logger, applied after logback.xml: ERROR, WARN, INFO, DEBUG or TRACE");
    public static final ConfigKey<Integer> SHUTDOWN_TIMEOUT = new ConfigKey<>("shutdown.timeout", "30",
            ValueParsers.integer(1, 3600),
            "seconds a shutdown may take to close connections and flush storage before the process halts anyway");

    public static final ConfigKey<ListenPort> MQTT_WS_PORT = new ConfigKey<>("mqtt.ws.port", "0",
            ListenPort.parser(),
            "TCP port of the MQTT-over-WebSocket listener (path /mqtt, subprotocol mqtt); 0 disables it");
    public static final ConfigKey<String> MQTT_VHOST = new ConfigKey<>("mqtt.vhost", "/",
            ValueParsers.name(),
            "virtual host in which MQTT publishes are routed and MQTT sessions keep their queues");
    public static final ConfigKey<String> MQTT_EXCHANGE = new ConfigKey<>("mqtt.exchange", "amq.topic",
            ValueParsers.name(),
            "topic exchange of mqtt.vhost through which MQTT publishes and subscriptions go");
    public static final ConfigKey<Integer> MQTT_MAX_INFLIGHT = new ConfigKey<>("mqtt.max_inflight", "32",
            ValueParsers.integer(1, 65535),
            "QoS 1 and 2 messages sent to an MQTT session and not yet acknowledged, at most");
    public static final ConfigKey<Integer> MQTT_RECEIVE_MAXIMUM = new ConfigKey<>("mqtt.receive_maximum", "1024",
            ValueParsers.integer(1, 65535),
            "QoS 1 and 2 PUBLISHes an MQTT 5 client may send before they are acknowledged (the CONNACK's Receive "
                    + "Maximum); a client that sends more is disconnected with reason 0x93");
    public static final ConfigKey<Integer> MQTT_TOPIC_ALIAS_MAXIMUM = new ConfigKey<>("mqtt.topic_alias_maximum", "64",
            ValueParsers.integer(0, 65535),
            "topic aliases an MQTT 5 client may set on one connection (the CONNACK's Topic Alias Maximum); 0: none");
    public static final ConfigKey<Integer> MQTT_MAX_KEEP_ALIVE = new ConfigKey<>("mqtt.max_keep_alive", "0",
            ValueParsers.integer(0, 65535),
            "seconds of keep alive an MQTT 5 client is held to at most: one asking for more, or for none (0), is "
                    + "told this value in the CONNACK's Server Keep Alive; 0: no limit (MQTT 3.1.1 clients are "
                    + "never limited)");
    public static final ConfigKey<Integer> MQTT_MAX_QUEUED_MESSAGES = new ConfigKey<>("mqtt.max_queued_messages", "100000",
            ValueParsers.integer(0, Integer.MAX_VALUE),
            "messages an MQTT session's queue holds undelivered; beyond it the oldest QoS 0, else the oldest, is dropped");
    public static final ConfigKey<Long> MQTT_MAX_QUEUED_BYTES = new ConfigKey<>("mqtt.max_queued_bytes", "268435456",
            ValueParsers.longInteger(0, Long.MAX_VALUE),
            "bytes of message bodies an MQTT session's queue holds undelivered (paged to the log like any queue); "
                    + "beyond it messages are dropped as for mqtt.max_queued_messages; 0: no byte bound");
    public static final ConfigKey<Optional<String>> MQTT_DEAD_LETTER_EXCHANGE = new ConfigKey<>(
            "mqtt.dead_letter_exchange", "none", ValueParsers.optionalName(),
            "exchange of mqtt.vhost that messages dropped from a full MQTT session queue are dead-lettered to; "
                    + "none: they are dropped");
    public static final ConfigKey<String> MQTT_SLOW_SUBSCRIBER = new ConfigKey<>("mqtt.slow_subscriber", "hold",
            ValueParsers.oneOf(List.of("HOLD", "DROP")),
            "a connected subscriber whose session queue fills: hold (its publishers are not read once the queue is at "
                    + "half mqtt.max_queued_messages) or drop (publishers go on, the queue drops at the bound)");
    public static final ConfigKey<String> MQTT_SHARED_SUBSCRIPTION_STRATEGY = new ConfigKey<>(
            "mqtt.shared_subscription_strategy", "round_robin",
            ValueParsers.oneOf(List.of("ROUND_ROBIN", "STICKY", "HASH_CLIENTID")),
            "how a shared subscription group ($share/...) picks the member for each message: round_robin (in turn), "
                    + "sticky (the same member while it has credit and stays connected) or hash_clientid (by the "
                    + "publishing client's id, keeping each publisher's messages in order at one member)");
    public static final ConfigKey<Integer> MQTT_SESSION_EXPIRY = new ConfigKey<>("mqtt.session_expiry", "86400",
            ValueParsers.integer(1, Integer.MAX_VALUE),
            "seconds a persistent MQTT 3.1.1 session (clean session 0) is kept after its client disconnects, and the "
                    + "longest Session Expiry Interval an MQTT 5 client is granted");
    public static final ConfigKey<Integer> MQTT_SYS_INTERVAL = new ConfigKey<>("mqtt.sys_interval", "10",
            ValueParsers.integer(1, 86400),
            "seconds between updates of the $SYS/broker/... topics");
    public static final ConfigKey<Boolean> MQTT_ALLOW_ANONYMOUS = new ConfigKey<>("mqtt.allow_anonymous", "false",
            ValueParsers.bool(),
            "whether MQTT clients without a user name are accepted from other hosts than this one");
    public static final ConfigKey<Integer> AMQP_FRAME_MAX = new ConfigKey<>("amqp.frame_max", "131072",
            ValueParsers.integer(4096, Integer.MAX_VALUE),
            "largest AMQP frame, in bytes, offered in connection.tune and enforced on every frame");
    public static final ConfigKey<Integer> AMQP_CHANNEL_MAX = new ConfigKey<>("amqp.channel_max", "2047",
            ValueParsers.integer(1, 65535),
            "highest AMQP channel number a client may open, offered in connection.tune");
    public static final ConfigKey<Integer> AMQP_HEARTBEAT = new ConfigKey<>("amqp.heartbeat", "60",
            ValueParsers.integer(0, 65535),
            "AMQP heartbeat interval in seconds proposed in connection.tune; 0 proposes none");
    public static final ConfigKey<Integer> AMQP_MAX_MESSAGE_SIZE = new ConfigKey<>("amqp.max_message_size",
            "16777216", ValueParsers.integer(1, 536_870_912),
            "largest AMQP message body accepted by basic.publish, in bytes; a larger one closes the channel (406)");

    public static final ConfigKey<Map<String, String>> USERS = new ConfigKey<>("users", "guest:guest",
            ValueParsers.users(),
            "users created with every permission on vhost / when the user store is empty, as name:password pairs");
    public static final ConfigKey<Integer> AUTH_HASH_ITERATIONS = new ConfigKey<>("auth.hash_iterations", "100000",
            ValueParsers.integer(1000, 10_000_000),
            "PBKDF2-HMAC-SHA256 iterations of newly set passwords; existing hashes keep their own count");
    public static final ConfigKey<Boolean> AUTH_SCRAM = new ConfigKey<>("auth.scram", "true", ValueParsers.bool(),
            "whether MQTT 5 clients may log in with SCRAM-SHA-256 (enhanced authentication)");
    public static final ConfigKey<Integer> AUTH_FAILED_LOGIN_DELAY_MAX = new ConfigKey<>(
            "auth.failed_login_delay_max", "5000", ValueParsers.integer(0, 60_000),
            "longest delay in milliseconds before a repeatedly failed login from one address is refused; 0 disables");

    public static final ConfigKey<String> STORAGE_ENGINE = new ConfigKey<>("storage.engine", "log",
            storageEngine(),
            "persistence engine: log (an append-only log under data.dir) or memory (nothing survives a restart)");
    public static final ConfigKey<FsyncPolicy> STORAGE_FSYNC = new ConfigKey<>("storage.fsync", "always",
            fsyncPolicy(),
            "when the log engine forces writes to disk before acknowledging them: always, interval:<ms> or never");
    public static final ConfigKey<Integer> STORAGE_SEGMENT_SIZE = new ConfigKey<>("storage.segment_size", "67108864",
            ValueParsers.integer(65536, Integer.MAX_VALUE),
            "size in bytes of one log segment file; also the largest record, so the largest persistent message");
    public static final ConfigKey<Long> STORAGE_DISK_FREE_LIMIT = new ConfigKey<>("storage.disk_free_limit",
            "52428800", ValueParsers.longInteger(0, Long.MAX_VALUE),
            "bytes that must stay free on the filesystem of data.dir; below it publishers are held back; 0 disables");
    public static final ConfigKey<Long> STORAGE_QUEUE_MEMORY_LIMIT = new ConfigKey<>("storage.queue_memory_limit",
            "67108864", ValueParsers.longInteger(65536, Long.MAX_VALUE),
            "bytes of message bodies one queue keeps in memory; the bodies of a longer backlog are read back from the log");
    public static final ConfigKey<Double> MEMORY_HIGH_WATERMARK = new ConfigKey<>("memory.high_watermark", "0.6",
            ValueParsers.fraction(),
            "fraction of the heap plus direct memory in use above which publishers are held back; 0 disables");
    public static final ConfigKey<Integer> FLOW_QUEUE_HIGH_WATERMARK = new ConfigKey<>("flow.queue_high_watermark",
            "5000", ValueParsers.integer(0, Integer.MAX_VALUE),
            "ready messages at which a queue with consumers stops reading its publishers until it is down to half; "
                    + "0 disables");
    public static final ConfigKey<Long> FLOW_QUEUE_HIGH_WATERMARK_BYTES = new ConfigKey<>(
            "flow.queue_high_watermark_bytes", "16777216", ValueParsers.longInteger(0, Long.MAX_VALUE),
            "bytes of ready message bodies at which a queue with consumers stops reading its publishers until it "
                    + "is down to half; 0 disables");
    public static final ConfigKey<ListenPort> MQTT_TLS_PORT = new ConfigKey<>("mqtt.tls.port", "8883",
            ListenPort.parser(),
            "TCP port of the MQTT-over-TLS listener; 0 disables it; off while tls.cert_file is none");
    public static final ConfigKey<ListenPort> AMQP_TLS_PORT = new ConfigKey<>("amqp.tls.port", "5671",
            ListenPort.parser(),
            "TCP port of the AMQP-over-TLS listener; 0 disables it; off while tls.cert_file is none");
    public static final ConfigKey<ListenPort> MQTT_WSS_PORT = new ConfigKey<>("mqtt.wss.port", "0",
            ListenPort.parser(),
            "TCP port of the MQTT-over-secure-WebSocket listener (path /mqtt, subprotocol mqtt); 0 disables it");
    public static final ConfigKey<Optional<Path>> TLS_CERT_FILE = new ConfigKey<>("tls.cert_file", "none",
            ValueParsers.optionalPath(),
            "PEM file with the server certificate, then its intermediates; none turns the TLS listeners off");
    public static final ConfigKey<Optional<Path>> TLS_KEY_FILE = new ConfigKey<>("tls.key_file", "none",
            ValueParsers.optionalPath(),
            "PEM file with the unencrypted PKCS#8 private key of tls.cert_file (BEGIN PRIVATE KEY)");
    public static final ConfigKey<Optional<Path>> TLS_CA_FILE = new ConfigKey<>("tls.ca_file", "none",
            ValueParsers.optionalPath(),
            "PEM file with the CA certificates client certificates are checked against; none trusts no client");
    public static final ConfigKey<Optional<Path>> TLS_CRL_FILE = new ConfigKey<>("tls.crl_file", "none",
            ValueParsers.optionalPath(),
            "PEM or DER file with the CRLs of the tls.ca_file CAs; a client certificate listed is refused");
    public static final ConfigKey<String> TLS_VERIFY_PEER = new ConfigKey<>("tls.verify_peer", "none",
            ValueParsers.oneOf(List.of("NONE", "OPTIONAL", "REQUIRED")),
            "client certificates: none (not asked for), optional (checked if sent) or required");
    public static final ConfigKey<String> TLS_PROVIDER = new ConfigKey<>("tls.provider", "auto",
            ValueParsers.oneOf(List.of("AUTO", "OPENSSL", "JDK")),
            "TLS implementation: openssl (BoringSSL, bundled), jdk, or auto (openssl where its native library loads)");
    public static final ConfigKey<Integer> TLS_RELOAD_INTERVAL = new ConfigKey<>("tls.reload_interval", "5",
            ValueParsers.integer(1, 3600),
            "seconds between checks of the TLS files for changes; new connections get the replaced certificate");
    public static final ConfigKey<ListenPort> HTTP_TLS_PORT = new ConfigKey<>("http.tls.port", "15671",
            ListenPort.parser(),
            "TCP port of the HTTPS management listener; 0 disables it; off while tls.cert_file is none");
    public static final ConfigKey<Integer> HTTP_MAX_CONNECTIONS = new ConfigKey<>("http.max_connections", "64",
            ValueParsers.integer(1, 65535),
            "management connections (HTTP and HTTPS) open at once; one more is closed on accept");
    public static final ConfigKey<Integer> HTTP_MAX_BODY_SIZE = new ConfigKey<>("http.max_body_size", "1048576",
            ValueParsers.integer(0, Integer.MAX_VALUE),
            "largest management API request body in bytes, but for definitions imports; a larger one is a 413");
    public static final ConfigKey<Integer> HTTP_MAX_DEFINITIONS_SIZE = new ConfigKey<>("http.max_definitions_size",
            "16777216", ValueParsers.integer(0, Integer.MAX_VALUE),
            "largest definitions import (POST /api/definitions) in bytes; a larger one is a 413");
    public static final ConfigKey<Integer> HTTP_MAX_UNPAGED_ITEMS = new ConfigKey<>("http.max_unpaged_items",
            "10000", ValueParsers.integer(1, Integer.MAX_VALUE),
            "longest list the management API answers without ?page=; a longer one is a 400 asking for pages");
    public static final ConfigKey<Integer> HTTP_IDLE_TIMEOUT = new ConfigKey<>("http.idle_timeout", "60",
            ValueParsers.integer(1, 86400),
            "seconds a management connection may wait for its next request before it is closed");
    public static final ConfigKey<Integer> HTTP_HEADER_TIMEOUT = new ConfigKey<>("http.header_timeout", "10",
            ValueParsers.integer(1, 3600),
            "seconds from the first byte of a management request to the end of its headers; then 408 and closed");
    public static final ConfigKey<Integer> HTTP_BODY_TIMEOUT = new ConfigKey<>("http.body_timeout", "30",
            ValueParsers.integer(1, 3600),
            "seconds from the end of a management request's headers to the end of its body; then 408 and closed");

    public static final ConfigKey<Optional<Path>> MQTT_ACL_FILE = new ConfigKey<>("mqtt.acl_file", "none",
            ValueParsers.optionalPath(),
            "Mosquitto-format ACL file of MQTT topic permissions; none allows every client every topic");
    public static final ConfigKey<String> MQTT_ACL_DENY_ACTION = new ConfigKey<>("mqtt.acl_deny_action", "drop",
            ValueParsers.oneOf(List.of("DROP", "DISCONNECT")),
            "a PUBLISH the ACL refuses: drop (acknowledged and discarded) or disconnect (the connection is closed)");
    public static final ConfigKey<Integer> MQTT_ACL_RELOAD_INTERVAL = new ConfigKey<>("mqtt.acl_reload_interval",
            "5", ValueParsers.integer(1, 3600),
            "seconds between checks of mqtt.acl_file for changes; a changed file applies to every connection");
    public static final ConfigKey<Integer> MQTT_MAX_SUBSCRIPTIONS = new ConfigKey<>("mqtt.max_subscriptions", "0",
            ValueParsers.integer(0, Integer.MAX_VALUE),
            "topic filters one MQTT session may hold; filters beyond it get 0x80 in the SUBACK; 0 means no limit");
    public static final ConfigKey<Integer> AMQP_HANDSHAKE_TIMEOUT = new ConfigKey<>("amqp.handshake_timeout", "10",
            ValueParsers.integer(1, 3600),
            "seconds from accepting an AMQP connection (TLS included) to connection.open-ok before it is closed");
    public static final ConfigKey<Integer> LIMITS_MAX_CONNECTIONS = new ConfigKey<>("limits.max_connections", "0",
            ValueParsers.integer(0, Integer.MAX_VALUE),
            "client connections open at once over all listeners; one more is closed on accept; 0 means no limit");
    public static final ConfigKey<Integer> LIMITS_MAX_CONNECTIONS_PER_ADDRESS = new ConfigKey<>(
            "limits.max_connections_per_address", "0", ValueParsers.integer(0, Integer.MAX_VALUE),
            "client connections open at once from one IP address; one more is closed on accept; 0 means no limit");
    public static final ConfigKey<Integer> LIMITS_MAX_CONNECTIONS_PER_USER = new ConfigKey<>(
            "limits.max_connections_per_user", "0", ValueParsers.integer(0, Integer.MAX_VALUE),
            "connections one user may have open over both protocols; one more is refused at login; 0 means no limit");
    public static final ConfigKey<Integer> LIMITS_PUBLISH_RATE = new ConfigKey<>("limits.publish_rate", "0",
            ValueParsers.integer(0, Integer.MAX_VALUE),
            "messages per second one connection may publish; beyond it the connection is not read; 0 means no limit");

    /** In the order config/junction.conf and docs/configuration.md present them. */
    public static final List<ConfigKey<?>> ALL = List.of(MQTT_PORT, AMQP_PORT, HTTP_PORT, BIND, DATA_DIR,
            MQTT_MAX_PACKET_SIZE, MQTT_CONNECT_TIMEOUT, LOG_LEVEL, SHUTDOWN_TIMEOUT, MQTT_WS_PORT, MQTT_VHOST,
            MQTT_EXCHANGE, MQTT_MAX_INFLIGHT, MQTT_RECEIVE_MAXIMUM, MQTT_TOPIC_ALIAS_MAXIMUM, MQTT_MAX_KEEP_ALIVE,
            MQTT_MAX_QUEUED_MESSAGES, MQTT_MAX_QUEUED_BYTES, MQTT_DEAD_LETTER_EXCHANGE,
            MQTT_SLOW_SUBSCRIBER, MQTT_SHARED_SUBSCRIPTION_STRATEGY, MQTT_SESSION_EXPIRY, MQTT_SYS_INTERVAL,
            MQTT_ALLOW_ANONYMOUS,
            AMQP_FRAME_MAX, AMQP_CHANNEL_MAX, AMQP_HEARTBEAT, AMQP_MAX_MESSAGE_SIZE, USERS, AUTH_HASH_ITERATIONS,
            AUTH_FAILED_LOGIN_DELAY_MAX, AUTH_SCRAM, STORAGE_ENGINE, STORAGE_FSYNC,
            STORAGE_SEGMENT_SIZE, STORAGE_DISK_FREE_LIMIT, STORAGE_QUEUE_MEMORY_LIMIT, MEMORY_HIGH_WATERMARK,
            FLOW_QUEUE_HIGH_WATERMARK, FLOW_QUEUE_HIGH_WATERMARK_BYTES,
            MQTT_TLS_PORT, AMQP_TLS_PORT, MQTT_WSS_PORT, TLS_CERT_FILE,
            TLS_KEY_FILE, TLS_CA_FILE, TLS_CRL_FILE, TLS_VERIFY_PEER, TLS_PROVIDER, TLS_RELOAD_INTERVAL,
            HTTP_TLS_PORT, HTTP_MAX_CONNECTIONS, HTTP_MAX_BODY_SIZE, HTTP_MAX_DEFINITIONS_SIZE, HTTP_MAX_UNPAGED_ITEMS,
            HTTP_IDLE_TIMEOUT,
            HTTP_HEADER_TIMEOUT, HTTP_BODY_TIMEOUT, MQTT_ACL_FILE, MQTT_ACL_DENY_ACTION, MQTT_ACL_RELOAD_INTERVAL, MQTT_MAX_SUBSCRIPTIONS, AMQP_HANDSHAKE_TIMEOUT,
            LIMITS_MAX_CONNECTIONS, LIMITS_MAX_CONNECTIONS_PER_ADDRESS, LIMITS_MAX_CONNECTIONS_PER_USER,
            LIMITS_PUBLISH_RATE);

    private ConfigKeys() {
    }

    /** The names the core's engine registry knows, so a new engine needs no change here. */
    private static ValueParser<String> storageEngine() {
        return text -> {
            if (!StorageEngines.names().contains(text)) {
                throw new InvalidValueException("'" + text + "' is not a storage engine: expected one of "
                        + String.join(", ", StorageEngines.names()));
            }
            return text;
        };
    }

    private static ValueParser<FsyncPolicy> fsyncPolicy() {
        return text -> {
            try {
                return FsyncPolicy.parse(text);
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException(e.getMessage());
            }
        };
    }

    public static Optional<ConfigKey<?>> byName(String name) {
        return ALL.stream().<ConfigKey<?>>map(k -> k).filter(k -> k.name().equals(name)).findFirst();
    }
}
