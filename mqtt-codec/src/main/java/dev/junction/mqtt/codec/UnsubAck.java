package dev.junction.mqtt.codec;

import java.util.List;
import java.util.Objects;

/**
 * UNSUBACK (section 3.11). MQTT 5 requires one reason code per filter of the UNSUBSCRIBE, in order; MQTT 3.1.1
 * carries only the packet identifier, so the reason codes are not sent to a 3.1.1 client.
 *
 * @param reasonCodes empty only for an MQTT 3.1.1 UNSUBACK
 */
public record UnsubAck(int packetId, List<ReasonCode> reasonCodes, MqttProperties properties) implements MqttPacket {
    public UnsubAck {
        PacketIdentifiers.requireValid(packetId);
        reasonCodes = List.copyOf(reasonCodes);
        reasonCodes.forEach(code -> ReasonCode.requireAllowed(code, MqttPacketType.UNSUBACK));
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.UNSUBACK);
    }

    /** An MQTT 3.1.1 UNSUBACK. */
    public UnsubAck(int packetId) {
        this(packetId, List.of(), MqttProperties.NONE);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.UNSUBACK;
    }
}
