package dev.junction.server.mqtt;

import dev.junction.core.queue.ConsumerSelection;
import dev.junction.core.queue.QueueArguments;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the MQTT side is configured with.
 *
 * @param vhost              the virtual host MQTT publishes and subscriptions live in ({@code mqtt.vhost})
 * @param exchange           the topic exchange of that vhost ({@code mqtt.exchange})
 * @param maxInflight        unacknowledged QoS 1/2 PUBLISHes per session ({@code mqtt.max_inflight})
 * @param maxQueuedMessages  messages a session's queue holds before it drops, QoS 0 first
 *                           ({@code mqtt.max_queued_messages})
 * @param maxQueuedBytes     bytes of bodies a session's queue holds before it drops, 0 for no byte bound
 *                           ({@code mqtt.max_queued_bytes})
 * @param deadLetterExchange where a session queue dead-letters what it drops, null to drop it
 *                           ({@code mqtt.dead_letter_exchange})
 * @param sessionExpiry      how long a persistent MQTT 3.1.1 session outlives its last connection, and the longest
 *                           Session Expiry Interval an MQTT 5 client is granted ({@code mqtt.session_expiry})
 * @param connectTimeout     how long a new connection may take to send CONNECT ({@code mqtt.connect_timeout})
 * @param maxPacketSize      the largest packet accepted or sent, fixed header included ({@code mqtt.max_packet_size})
 * @param sysInterval        period of the {@code $SYS/broker/...} updates ({@code mqtt.sys_interval})
 * @param allowAnonymous     whether clients without a user name are accepted from non-loopback addresses
 *                           ({@code mqtt.allow_anonymous})
 * @param holdPublishers     whether a connected subscriber's filling session queue stops its publishers' reads
 *                           ({@code mqtt.slow_subscriber = hold}) rather than dropping at the bound
 * @param sharedSubscriptionSelection how a shared subscription group's queue picks a member
 *                           ({@code mqtt.shared_subscription_strategy}; {@code hash_clientid} is the queue's
 *                           {@code hash-publisher})
 * @param mqtt5              what the broker announces to MQTT 5 clients in CONNACK and holds them to
 */
public record MqttSettings(String vhost, String exchange, int maxInflight, int maxQueuedMessages,
                           long maxQueuedBytes, String deadLetterExchange, Duration sessionExpiry,
                           Duration connectTimeout, int maxPacketSize, Duration sysInterval, boolean allowAnonymous,
                           boolean holdPublishers, ConsumerSelection sharedSubscriptionSelection,
                           Mqtt5Limits mqtt5) {
    public static final MqttSettings DEFAULTS = new MqttSettings("/", "amq.topic", 32, 100_000, 256L << 20, null,
            Duration.ofDays(1), Duration.ofSeconds(10), 16 * 1024 * 1024, Duration.ofSeconds(10), false, true,
            ConsumerSelection.ROUND_ROBIN, Mqtt5Limits.DEFAULTS);

    /**
     * The MQTT 5 flow limits the broker announces in CONNACK.
     *
     * @param receiveMaximum    QoS 1/2 PUBLISHes a client may have unacknowledged towards the broker
     *                          ({@code mqtt.receive_maximum})
     * @param topicAliasMaximum topic aliases a client may set on one connection ({@code mqtt.topic_alias_maximum})
     * @param maxKeepAlive      the longest keep alive a client is held to, in seconds; 0: no limit
     *                          ({@code mqtt.max_keep_alive})
     */
    public record Mqtt5Limits(int receiveMaximum, int topicAliasMaximum, int maxKeepAlive) {
        public static final Mqtt5Limits DEFAULTS = new Mqtt5Limits(1024, 64, 0);

        public Mqtt5Limits(int receiveMaximum, int topicAliasMaximum) {
            this(receiveMaximum, topicAliasMaximum, 0);
        }

        public Mqtt5Limits {
            if (receiveMaximum < 1 || receiveMaximum > 65535) {
                throw new IllegalArgumentException("receive maximum must be in 1..65535, was " + receiveMaximum);
            }
            if (topicAliasMaximum < 0 || topicAliasMaximum > 65535) {
                throw new IllegalArgumentException("topic alias maximum must be in 0..65535, was "
                        + topicAliasMaximum);
            }
            if (maxKeepAlive < 0 || maxKeepAlive > 65535) {
                throw new IllegalArgumentException("max keep alive must be in 0..65535, was " + maxKeepAlive);
            }
        }
    }

    /** From the daemon's configuration. */
    public static MqttSettings from(Config config) {
        return new MqttSettings(config.get(ConfigKeys.MQTT_VHOST), config.get(ConfigKeys.MQTT_EXCHANGE),
                config.get(ConfigKeys.MQTT_MAX_INFLIGHT), config.get(ConfigKeys.MQTT_MAX_QUEUED_MESSAGES),
                config.get(ConfigKeys.MQTT_MAX_QUEUED_BYTES),
                config.get(ConfigKeys.MQTT_DEAD_LETTER_EXCHANGE).orElse(null),
                Duration.ofSeconds(config.get(ConfigKeys.MQTT_SESSION_EXPIRY)),
                Duration.ofSeconds(config.get(ConfigKeys.MQTT_CONNECT_TIMEOUT)),
                config.get(ConfigKeys.MQTT_MAX_PACKET_SIZE),
                Duration.ofSeconds(config.get(ConfigKeys.MQTT_SYS_INTERVAL)),
                config.get(ConfigKeys.MQTT_ALLOW_ANONYMOUS),
                config.get(ConfigKeys.MQTT_SLOW_SUBSCRIBER).equals("HOLD"),
                sharedSubscriptionSelection(config.get(ConfigKeys.MQTT_SHARED_SUBSCRIPTION_STRATEGY)),
                new Mqtt5Limits(config.get(ConfigKeys.MQTT_RECEIVE_MAXIMUM),
                        config.get(ConfigKeys.MQTT_TOPIC_ALIAS_MAXIMUM), config.get(ConfigKeys.MQTT_MAX_KEEP_ALIVE)));
    }

    private static ConsumerSelection sharedSubscriptionSelection(String strategy) {
        return switch (strategy) {
            case "STICKY" -> ConsumerSelection.STICKY;
            case "HASH_CLIENTID" -> ConsumerSelection.HASH_PUBLISHER;
            default -> ConsumerSelection.ROUND_ROBIN;
        };
    }

    public MqttSettings {
        if (maxInflight < 1 || maxInflight > 65535) {
            throw new IllegalArgumentException("max in-flight must be in 1..65535, was " + maxInflight);
        }
    }

    /** Header naming the session whose queue dead-lettered a message ({@code x-dead-letter-headers}). */
    static final String CLIENT_ID_HEADER = "x-mqtt-client-id";

    /**
     * The RabbitMQ-style arguments of a session queue: its {@link #sessionQueueLimits limits} and, with
     * {@code hold}, the mark at which a connected subscriber's queue holds its publishers back, before the bound
     * would drop a message the subscriber would still have taken.
     */
    Map<String, Object> sessionQueueArguments(String clientId) {
        Map<String, Object> arguments = new HashMap<>(sessionQueueLimits(clientId));
        arguments.values().removeIf(Objects::isNull);
        arguments.put("x-flow-high-watermark", holdPublishers ? Math.max(1, maxQueuedMessages / 2) : 0);
        return arguments;
    }

    /**
     * The limits every session queue has, each of {@link QueueArguments#LIMITS} (void where there is none, so that
     * laid over an older queue's declaration it removes that one's): the bounds, with QoS 0 dropped first, and what
     * is dropped dead-lettered where configured, with the client id in its own header beside {@code x-death}.
     */
    Map<String, Object> sessionQueueLimits(String clientId) {
        Map<String, Object> limits = new HashMap<>();
        limits.put("x-max-length", maxQueuedMessages);
        limits.put("x-max-length-bytes", maxQueuedBytes > 0 ? maxQueuedBytes : null);
        limits.put("x-overflow", "drop-transient-first");
        limits.put("x-dead-letter-exchange", deadLetterExchange);
        limits.put("x-dead-letter-routing-key", null);
        limits.put("x-dead-letter-headers", deadLetterExchange == null ? null : Map.of(CLIENT_ID_HEADER, clientId));
        return limits;
    }

    public MqttSettings withSessionExpiry(Duration expiry) {
        return new MqttSettings(vhost, exchange, maxInflight, maxQueuedMessages, maxQueuedBytes, deadLetterExchange,
                expiry, connectTimeout, maxPacketSize, sysInterval, allowAnonymous, holdPublishers,
                sharedSubscriptionSelection, mqtt5);
    }

    public MqttSettings withLimits(int inflight, int queuedMessages) {
        return new MqttSettings(vhost, exchange, inflight, queuedMessages, maxQueuedBytes, deadLetterExchange,
                sessionExpiry, connectTimeout, maxPacketSize, sysInterval, allowAnonymous, holdPublishers,
                sharedSubscriptionSelection, mqtt5);
    }

    public MqttSettings withTimeouts(Duration connect, Duration sys) {
        return new MqttSettings(vhost, exchange, maxInflight, maxQueuedMessages, maxQueuedBytes, deadLetterExchange,
                sessionExpiry, connect, maxPacketSize, sys, allowAnonymous, holdPublishers,
                sharedSubscriptionSelection, mqtt5);
    }

    public MqttSettings withMqtt5(Mqtt5Limits limits) {
        return new MqttSettings(vhost, exchange, maxInflight, maxQueuedMessages, maxQueuedBytes, deadLetterExchange,
                sessionExpiry, connectTimeout, maxPacketSize, sysInterval, allowAnonymous, holdPublishers,
                sharedSubscriptionSelection, limits);
    }

    public MqttSettings withAllowAnonymous(boolean allow) {
        return new MqttSettings(vhost, exchange, maxInflight, maxQueuedMessages, maxQueuedBytes, deadLetterExchange,
                sessionExpiry, connectTimeout, maxPacketSize, sysInterval, allow, holdPublishers,
                sharedSubscriptionSelection, mqtt5);
    }
}
