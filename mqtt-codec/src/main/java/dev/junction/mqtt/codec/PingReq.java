package dev.junction.mqtt.codec;

public record PingReq() implements MqttPacket {
    /** The packet carries no data, so one instance serves every connection. */
    public static final PingReq INSTANCE = new PingReq();

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PINGREQ;
    }
}
