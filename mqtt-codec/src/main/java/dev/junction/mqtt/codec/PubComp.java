package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * PUBCOMP (section 3.7). In MQTT 5 it carries a reason code and properties, which the encoder leaves off the wire when
 * they are {@link ReasonCode#SUCCESS} and none (section 3.7.2.1); MQTT 3.1.1 carries only the packet identifier.
 */
public record PubComp(int packetId, ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public PubComp {
        PacketIdentifiers.requireValid(packetId);
        ReasonCode.requireAllowed(reasonCode, MqttPacketType.PUBCOMP);
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.PUBCOMP);
    }

    /** Success without properties: all MQTT 3.1.1 has. */
    public PubComp(int packetId) {
        this(packetId, ReasonCode.SUCCESS, MqttProperties.NONE);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PUBCOMP;
    }
}
