package dev.junction.mqtt.codec;

/** Quality of service levels (section 4.3). */
public enum MqttQos {
    AT_MOST_ONCE,
    AT_LEAST_ONCE,
    EXACTLY_ONCE;

    private static final MqttQos[] VALUES = values();

    public int value() {
        return ordinal();
    }

    /** @throws IllegalArgumentException for anything but 0, 1 or 2 */
    public static MqttQos of(int value) {
        if (value < 0 || value > 2) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2, got " + value);
        }
        return VALUES[value];
    }
}
