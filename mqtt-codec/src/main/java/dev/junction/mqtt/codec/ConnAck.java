package dev.junction.mqtt.codec;

import java.util.Objects;

/** CONNACK (section 3.2). */
public record ConnAck(boolean sessionPresent, ConnectReturnCode returnCode) implements MqttPacket {
    public ConnAck {
        Objects.requireNonNull(returnCode, "returnCode");
        if (sessionPresent && returnCode != ConnectReturnCode.ACCEPTED) {
            throw new IllegalArgumentException("session present must be 0 with a refusal [MQTT-3.2.2-4]");
        }
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.CONNACK;
    }
}
