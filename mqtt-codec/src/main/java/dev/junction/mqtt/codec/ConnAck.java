package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * CONNACK (section 3.2). One type for both versions: the reason code is MQTT 5's, and an MQTT 3.1.1 connection gets
 * the matching return code ({@link #returnCode()}); a reason code that 3.1.1 cannot express cannot be encoded for
 * it.
 *
 * @param properties always {@link MqttProperties#NONE} for MQTT 3.1.1
 */
public record ConnAck(boolean sessionPresent, ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {
    public ConnAck {
        ReasonCode.requireAllowed(reasonCode, MqttPacketType.CONNACK);
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.CONNACK);
        if (sessionPresent && reasonCode.isFailure()) {
            throw new IllegalArgumentException("session present must be 0 with a refusal [MQTT-3.2.2-4]");
        }
    }

    /** An MQTT 3.1.1 CONNACK. */
    public ConnAck(boolean sessionPresent, ConnectReturnCode returnCode) {
        this(sessionPresent, Objects.requireNonNull(returnCode, "returnCode").reasonCode(), MqttProperties.NONE);
    }

    /** A refusal without properties, for either version. */
    public static ConnAck refuse(ReasonCode reasonCode) {
        return new ConnAck(false, reasonCode, MqttProperties.NONE);
    }

    /** @return the MQTT 3.1.1 return code, or {@code null} if the reason code has none */
    public ConnectReturnCode returnCode() {
        return ConnectReturnCode.of(reasonCode);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.CONNACK;
    }
}
