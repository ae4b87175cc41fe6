package dev.junction.mqtt.codec;

/** CONNACK return codes of MQTT 3.1.1 (section 3.2.2.3), each with the MQTT 5 reason code that replaces it. */
public enum ConnectReturnCode {
    ACCEPTED(ReasonCode.SUCCESS),
    UNACCEPTABLE_PROTOCOL_VERSION(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION),
    IDENTIFIER_REJECTED(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID),
    SERVER_UNAVAILABLE(ReasonCode.SERVER_UNAVAILABLE),
    BAD_USERNAME_OR_PASSWORD(ReasonCode.BAD_USER_NAME_OR_PASSWORD),
    NOT_AUTHORIZED(ReasonCode.NOT_AUTHORIZED);

    private static final ConnectReturnCode[] VALUES = values();

    private final ReasonCode reasonCode;

    ConnectReturnCode(ReasonCode reasonCode) {
        this.reasonCode = reasonCode;
    }

    public int value() {
        return ordinal();
    }

    public ReasonCode reasonCode() {
        return reasonCode;
    }

    /** @return the code, or {@code null} for a reserved value */
    static ConnectReturnCode ofValue(int value) {
        return value >= 0 && value < VALUES.length ? VALUES[value] : null;
    }

    /** @return the 3.1.1 code for an MQTT 5 reason code, or {@code null} if 3.1.1 has none */
    static ConnectReturnCode of(ReasonCode reasonCode) {
        for (ConnectReturnCode code : VALUES) {
            if (code.reasonCode == reasonCode) {
                return code;
            }
        }
        return null;
    }
}
