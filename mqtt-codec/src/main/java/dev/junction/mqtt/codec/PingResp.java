package dev.junction.mqtt.codec;

public record PingResp() implements MqttPacket {
    /** The packet carries no data, so one instance serves every connection. */
    public static final PingResp INSTANCE = new PingResp();

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PINGRESP;
    }
}
