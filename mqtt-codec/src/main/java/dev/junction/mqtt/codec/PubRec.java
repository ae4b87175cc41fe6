package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * PUBREC (section 3.5). In MQTT 5 it carries a reason code and properties, which the encoder leaves off the wire when
 * they are {@link ReasonCode#SUCCESS} and none (section 3.5.2.1); MQTT 3.1.1 carries only the packet identifier.
 */
public record PubRec(int packetId, ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public PubRec {
        PacketIdentifiers.requireValid(packetId);
        ReasonCode.requireAllowed(reasonCode, MqttPacketType.PUBREC);
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.PUBREC);
    }

    /** Success without properties: all MQTT 3.1.1 has. */
    public PubRec(int packetId) {
        this(packetId, ReasonCode.SUCCESS, MqttProperties.NONE);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PUBREC;
    }
}
