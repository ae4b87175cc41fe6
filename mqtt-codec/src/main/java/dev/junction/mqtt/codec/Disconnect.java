package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * DISCONNECT (section 3.14), sent by either side in MQTT 5, only by the client in 3.1.1. The encoder sends the
 * shortest form: no reason code for a normal disconnection without properties (section 3.14.2.1); a 3.1.1
 * DISCONNECT is always empty.
 */
public record Disconnect(ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    /** A normal disconnection without properties: the only DISCONNECT of MQTT 3.1.1. */
    public static final Disconnect INSTANCE = new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.NONE);

    public Disconnect {
        ReasonCode.requireAllowed(reasonCode, MqttPacketType.DISCONNECT);
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.DISCONNECT);
    }

    /** An MQTT 5 DISCONNECT without properties. */
    public Disconnect(ReasonCode reasonCode) {
        this(reasonCode, MqttProperties.NONE);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.DISCONNECT;
    }
}
