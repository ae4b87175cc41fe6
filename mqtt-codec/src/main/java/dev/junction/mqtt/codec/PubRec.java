package dev.junction.mqtt.codec;

public record PubRec(int packetId) implements MqttPacket {
    public PubRec {
        PacketIdentifiers.requireValid(packetId);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PUBREC;
    }
}
