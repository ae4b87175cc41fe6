package dev.junction.server.net;

import dev.junction.server.config.ConfigKey;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;

/** What a listener speaks, and the key that says where it listens. */
public enum Protocol {
    MQTT("MQTT 3.1.1/5.0", ConfigKeys.MQTT_PORT),
    MQTT_WEBSOCKET("MQTT 3.1.1/5.0 over WebSocket", ConfigKeys.MQTT_WS_PORT),
    AMQP("AMQP 0-9-1", ConfigKeys.AMQP_PORT),
    HTTP("HTTP management", ConfigKeys.HTTP_PORT),
    MQTT_TLS("MQTT 3.1.1/5.0 over TLS", ConfigKeys.MQTT_TLS_PORT),
    MQTT_WSS("MQTT 3.1.1/5.0 over secure WebSocket", ConfigKeys.MQTT_WSS_PORT),
    AMQP_TLS("AMQP 0-9-1 over TLS", ConfigKeys.AMQP_TLS_PORT),
    HTTPS("HTTPS management", ConfigKeys.HTTP_TLS_PORT);

    private final String displayName;
    private final ConfigKey<ListenPort> portKey;

    Protocol(String displayName, ConfigKey<ListenPort> portKey) {
        this.displayName = displayName;
        this.portKey = portKey;
    }

    public String displayName() {
        return displayName;
    }

    public ConfigKey<ListenPort> portKey() {
        return portKey;
    }

    /** The management endpoint, plain or over TLS: its connections are not clients of the broker. */
    public boolean isManagement() {
        return this == HTTP || this == HTTPS;
    }
}
