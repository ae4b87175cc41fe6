package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * AUTH (section 3.15), MQTT 5 only: one step of enhanced authentication. The authentication method and data are
 * properties. The encoder sends an empty body for success without properties (section 3.15.2.1).
 */
public record Auth(ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public Auth {
        ReasonCode.requireAllowed(reasonCode, MqttPacketType.AUTH);
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.AUTH);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.AUTH;
    }
}
