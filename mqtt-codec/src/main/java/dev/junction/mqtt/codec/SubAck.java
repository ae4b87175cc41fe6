package dev.junction.mqtt.codec;

import java.util.List;
import java.util.Objects;

/**
 * SUBACK (section 3.9): one reason code per filter of the SUBSCRIBE, in order [MQTT-3.8.4-5]. For an MQTT 3.1.1
 * connection every failure code is sent as 0x80 ({@link #returnCodes()}).
 */
public record SubAck(int packetId, List<ReasonCode> reasonCodes, MqttProperties properties) implements MqttPacket {
    public SubAck {
        PacketIdentifiers.requireValid(packetId);
        reasonCodes = List.copyOf(reasonCodes);
        if (reasonCodes.isEmpty()) {
            throw new IllegalArgumentException("SUBACK needs at least one return code");
        }
        reasonCodes.forEach(code -> ReasonCode.requireAllowed(code, MqttPacketType.SUBACK));
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.SUBACK);
    }

    /** An MQTT 3.1.1 SUBACK. */
    public SubAck(int packetId, List<SubAckReturnCode> returnCodes) {
        this(packetId, returnCodes.stream().map(SubAckReturnCode::reasonCode).toList(), MqttProperties.NONE);
    }

    /** The codes as MQTT 3.1.1 sends them. */
    public List<SubAckReturnCode> returnCodes() {
        return reasonCodes.stream().map(SubAckReturnCode::of).toList();
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.SUBACK;
    }
}
