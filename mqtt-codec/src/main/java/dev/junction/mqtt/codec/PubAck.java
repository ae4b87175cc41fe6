package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * PUBACK (section 3.4). In MQTT 5 it carries a reason code and properties, which the encoder leaves off the wire when
 * they are {@link ReasonCode#SUCCESS} and none (section 3.4.2.1); MQTT 3.1.1 carries only the packet identifier.
 */
public record PubAck(int packetId, ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public PubAck {
        PacketIdentifiers.requireValid(packetId);
        ReasonCode.requireAllowed(reasonCode, MqttPacketType.PUBACK);
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.PUBACK);
    }

    /** Success without properties: all MQTT 3.1.1 has. */
    public PubAck(int packetId) {
        this(packetId, ReasonCode.SUCCESS, MqttProperties.NONE);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PUBACK;
    }
}
