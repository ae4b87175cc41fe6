package dev.junction.server.limits;

import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;

import java.time.Duration;

/**
 * The limits against clients that take more than their share; 0 turns a count or rate limit off.
 *
 * @param maxConnections           connections open at once over every listener ({@code limits.max_connections})
 * @param maxConnectionsPerAddress the same per client IP address ({@code limits.max_connections_per_address})
 * @param maxConnectionsPerUser    connections of one user over both protocols ({@code limits.max_connections_per_user})
 * @param publishRate              messages per second one connection may publish ({@code limits.publish_rate})
 * @param maxSubscriptions         topic filters per MQTT session ({@code mqtt.max_subscriptions})
 * @param amqpHandshakeTimeout     accept to connection.open-ok ({@code amqp.handshake_timeout})
 * @param maxManagementConnections management connections open at once ({@code http.max_connections}), never off
 */
public record LimitSettings(int maxConnections, int maxConnectionsPerAddress, int maxConnectionsPerUser,
                            int publishRate, int maxSubscriptions, Duration amqpHandshakeTimeout,
                            int maxManagementConnections) {
    public static final LimitSettings NONE = new LimitSettings(0, 0, 0, 0, 0, Duration.ofSeconds(10),
            ConfigKeys.HTTP_MAX_CONNECTIONS.defaultValue());

    public static LimitSettings from(Config config) {
        return new LimitSettings(config.get(ConfigKeys.LIMITS_MAX_CONNECTIONS),
                config.get(ConfigKeys.LIMITS_MAX_CONNECTIONS_PER_ADDRESS),
                config.get(ConfigKeys.LIMITS_MAX_CONNECTIONS_PER_USER), config.get(ConfigKeys.LIMITS_PUBLISH_RATE),
                config.get(ConfigKeys.MQTT_MAX_SUBSCRIPTIONS),
                Duration.ofSeconds(config.get(ConfigKeys.AMQP_HANDSHAKE_TIMEOUT)),
                config.get(ConfigKeys.HTTP_MAX_CONNECTIONS));
    }
}
