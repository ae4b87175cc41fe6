package dev.junction.server.limits;

import dev.junction.server.config.ConfigKey;
import dev.junction.server.config.ConfigKeys;

/** A limit a client can run into; its label in {@code junction_limit_hits_total} is the key that sets it. */
public enum Limit {
    MAX_CONNECTIONS(ConfigKeys.LIMITS_MAX_CONNECTIONS),
    MAX_CONNECTIONS_PER_ADDRESS(ConfigKeys.LIMITS_MAX_CONNECTIONS_PER_ADDRESS),
    HTTP_MAX_CONNECTIONS(ConfigKeys.HTTP_MAX_CONNECTIONS),
    MAX_CONNECTIONS_PER_USER(ConfigKeys.LIMITS_MAX_CONNECTIONS_PER_USER),
    PUBLISH_RATE(ConfigKeys.LIMITS_PUBLISH_RATE),
    MQTT_MAX_SUBSCRIPTIONS(ConfigKeys.MQTT_MAX_SUBSCRIPTIONS),
    MQTT_CONNECT_TIMEOUT(ConfigKeys.MQTT_CONNECT_TIMEOUT),
    MQTT_MAX_PACKET_SIZE(ConfigKeys.MQTT_MAX_PACKET_SIZE),
    AMQP_HANDSHAKE_TIMEOUT(ConfigKeys.AMQP_HANDSHAKE_TIMEOUT),
    AMQP_CHANNEL_MAX(ConfigKeys.AMQP_CHANNEL_MAX),
    AMQP_FRAME_MAX(ConfigKeys.AMQP_FRAME_MAX),
    AMQP_MAX_MESSAGE_SIZE(ConfigKeys.AMQP_MAX_MESSAGE_SIZE);

    private final String label;

    Limit(ConfigKey<?> key) {
        this.label = key.name();
    }

    public String label() {
        return label;
    }
}
