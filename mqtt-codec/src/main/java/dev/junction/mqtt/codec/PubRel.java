package dev.junction.mqtt.codec;

public record PubRel(int packetId) implements MqttPacket {
    public PubRel {
        PacketIdentifiers.requireValid(packetId);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PUBREL;
    }
}
