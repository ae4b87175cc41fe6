package dev.junction.mqtt.codec;

public record PubAck(int packetId) implements MqttPacket {
    public PubAck {
        PacketIdentifiers.requireValid(packetId);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PUBACK;
    }
}
