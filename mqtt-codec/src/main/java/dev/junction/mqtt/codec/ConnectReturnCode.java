package dev.junction.mqtt.codec;

/** CONNACK return codes (section 3.2.2.3); 6..255 are reserved. */
public enum ConnectReturnCode {
    ACCEPTED,
    UNACCEPTABLE_PROTOCOL_VERSION,
    IDENTIFIER_REJECTED,
    SERVER_UNAVAILABLE,
    BAD_USERNAME_OR_PASSWORD,
    NOT_AUTHORIZED;

    private static final ConnectReturnCode[] VALUES = values();

    public int value() {
        return ordinal();
    }

    /** @return the code, or {@code null} for a reserved value */
    static ConnectReturnCode ofValue(int value) {
        return value >= 0 && value < VALUES.length ? VALUES[value] : null;
    }
}
