package dev.junction.mqtt.codec;

public record Disconnect() implements MqttPacket {
    /** The packet carries no data, so one instance serves every connection. */
    public static final Disconnect INSTANCE = new Disconnect();

    @Override
    public MqttPacketType type() {
        return MqttPacketType.DISCONNECT;
    }
}
