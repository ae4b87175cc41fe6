package dev.junction.mqtt.codec;

public record UnsubAck(int packetId) implements MqttPacket {
    public UnsubAck {
        PacketIdentifiers.requireValid(packetId);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.UNSUBACK;
    }
}
