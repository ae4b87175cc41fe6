package dev.junction.mqtt.codec;

public record PubComp(int packetId) implements MqttPacket {
    public PubComp {
        PacketIdentifiers.requireValid(packetId);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PUBCOMP;
    }
}
