package dev.junction.server.mqtt;

import dev.junction.core.queue.ConsumerSelection;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

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
 * @param sessionExpiry      how long a persistent session outlives its last connection ({@code mqtt.session_expiry})
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
 */
public record MqttSettings(String vhost, String exchange, int maxInflight, int maxQueuedMessages,
                           long maxQueuedBytes, String deadLetterExchange, Duration sessionExpiry,
                           Duration connectTimeout, int maxPacketSize, Duration sysInterval, boolean allowAnonymous,
                           boolean holdPublishers, ConsumerSelection sharedSubscriptionSelection) {
    public static final MqttSettings DEFAULTS = new MqttSettings("/", "amq.topic", 32, 100_000, 256L << 20, null,
            Duration.ofDays(1), Duration.ofSeconds(10), 16 * 1024 * 1024, Duration.ofSeconds(10), false, true,
            ConsumerSelection.ROUND_ROBIN);

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
                sharedSubscriptionSelection(config.get(ConfigKeys.MQTT_SHARED_SUBSCRIPTION_STRATEGY)));
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

    /**
     * The RabbitMQ-style arguments of every session queue: the bounds, with QoS 0 dropped first and what is
     * dropped dead-lettered where configured ({@code x-death} names the reason and the queue, and so the client
     * id), and, with {@code hold}, the mark at which a connected subscriber's queue holds its publishers back,
     * before the bound would drop a message the subscriber would still have taken.
     */
    Map<String, Object> sessionQueueArguments() {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("x-max-length", maxQueuedMessages);
        if (maxQueuedBytes > 0) {
            arguments.put("x-max-length-bytes", maxQueuedBytes);
        }
        arguments.put("x-overflow", "drop-transient-first");
        if (deadLetterExchange != null) {
            arguments.put("x-dead-letter-exchange", deadLetterExchange);
        }
        arguments.put("x-flow-high-watermark", holdPublishers ? Math.max(1, maxQueuedMessages / 2) : 0);
        return arguments;
    }

    public MqttSettings withSessionExpiry(Duration expiry) {
        return new MqttSettings(vhost, exchange, maxInflight, maxQueuedMessages, maxQueuedBytes, deadLetterExchange,
                expiry, connectTimeout, maxPacketSize, sysInterval, allowAnonymous, holdPublishers,
                sharedSubscriptionSelection);
    }

    public MqttSettings withLimits(int inflight, int queuedMessages) {
        return new MqttSettings(vhost, exchange, inflight, queuedMessages, maxQueuedBytes, deadLetterExchange,
                sessionExpiry, connectTimeout, maxPacketSize, sysInterval, allowAnonymous, holdPublishers,
                sharedSubscriptionSelection);
    }

    public MqttSettings withTimeouts(Duration connect, Duration sys) {
        return new MqttSettings(vhost, exchange, maxInflight, maxQueuedMessages, maxQueuedBytes, deadLetterExchange,
                sessionExpiry, connect, maxPacketSize, sys, allowAnonymous, holdPublishers,
                sharedSubscriptionSelection);
    }

    public MqttSettings withAllowAnonymous(boolean allow) {
        return new MqttSettings(vhost, exchange, maxInflight, maxQueuedMessages, maxQueuedBytes, deadLetterExchange,
                sessionExpiry, connectTimeout, maxPacketSize, sysInterval, allow, holdPublishers,
                sharedSubscriptionSelection);
    }
}
