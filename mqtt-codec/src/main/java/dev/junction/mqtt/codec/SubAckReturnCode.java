package dev.junction.mqtt.codec;

/** SUBACK return codes (section 3.9.3): the granted QoS, or failure. */
public enum SubAckReturnCode {
    GRANTED_QOS_0(0x00),
    GRANTED_QOS_1(0x01),
    GRANTED_QOS_2(0x02),
    FAILURE(0x80);

    private final int value;

    SubAckReturnCode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The MQTT 5 reason code with the same meaning. */
    public ReasonCode reasonCode() {
        return this == FAILURE ? ReasonCode.UNSPECIFIED_ERROR : ReasonCode.granted(MqttQos.of(value));
    }

    /** The 3.1.1 code for an MQTT 5 SUBACK reason code: every failure becomes {@link #FAILURE}. */
    static SubAckReturnCode of(ReasonCode reasonCode) {
        return reasonCode.isFailure() ? FAILURE : values()[reasonCode.value()];
    }

    public static SubAckReturnCode granted(MqttQos qos) {
        return values()[qos.value()];
    }

    /** @return the code, or {@code null} for any other byte [MQTT-3.9.3-2] */
    static SubAckReturnCode ofValue(int value) {
        return switch (value) {
            case 0x00 -> GRANTED_QOS_0;
            case 0x01 -> GRANTED_QOS_1;
            case 0x02 -> GRANTED_QOS_2;
            case 0x80 -> FAILURE;
            default -> null;
        };
    }
}
