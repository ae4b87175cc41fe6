package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * PUBREL (section 3.6). In MQTT 5 it carries a reason code and properties, which the encoder leaves off the wire when
 * they are {@link ReasonCode#SUCCESS} and none (section 3.6.2.1); MQTT 3.1.1 carries only the packet identifier.
 */
public record PubRel(int packetId, ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public PubRel {
        PacketIdentifiers.requireValid(packetId);
        ReasonCode.requireAllowed(reasonCode, MqttPacketType.PUBREL);
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.PUBREL);
    }

    /** Success without properties: all MQTT 3.1.1 has. */
    public PubRel(int packetId) {
        this(packetId, ReasonCode.SUCCESS, MqttProperties.NONE);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PUBREL;
    }
}
