package dev.junction.mqtt.codec;

import java.util.List;

/** SUBACK (section 3.9): one return code per filter of the SUBSCRIBE, in order [MQTT-3.8.4-5]. */
public record SubAck(int packetId, List<SubAckReturnCode> returnCodes) implements MqttPacket {
    public SubAck {
        PacketIdentifiers.requireValid(packetId);
        returnCodes = List.copyOf(returnCodes);
        if (returnCodes.isEmpty()) {
            throw new IllegalArgumentException("SUBACK needs at least one return code");
        }
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.SUBACK;
    }
}
